# Sourced by the bench-*.sh scripts.
#
# bench_binary NAME: builds the benchmark NAME of the `umami-bench` member (bench/benches/NAME.rs,
# a `[[bench]]` target with `harness = false`) with the release profile and prints the path of
# its binary (target/release/deps/NAME-HASH; the hash changes with the build, so the path is
# read from cargo's messages). Cargo's own output goes to stderr.
bench_binary() {
  cargo bench -p umami-bench --bench "$1" --no-run --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
name = sys.argv[1]
paths = [m["executable"] for m in map(json.loads, sys.stdin)
         if m.get("reason") == "compiler-artifact" and m["target"]["name"] == name
         and m.get("executable")]
if not paths:
    sys.exit("no binary for bench " + name)
print(paths[-1])' "$1"
}
