#!/usr/bin/env bash
# Measures umami::web::UmamiLayer on an axum hello-world: the bare app, the app with the
# layer (receiver live), and with the receiver stalled, side by side in one run
# (bench/benches/bench_web.rs, a Rust load loop; nothing to install beyond cargo), and writes the
# result into BENCHMARKS.md between the bench-web markers (appended when absent).
#
#   scripts/bench-web.sh                 # 9 rounds x 2 s per server, 32 connections
#   scripts/bench-web.sh SECONDS ROUNDS CONNECTIONS
#   scripts/bench-web.sh --quick         # 1 round x 1 s: checks the setup, writes nothing
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
QUICK=0
if [[ "${1:-}" == "--quick" ]]; then QUICK=1; set -- 1 1 16; fi
SECONDS_PER_ROUND="${1:-2}"; ROUNDS="${2:-9}"; CONNECTIONS="${3:-32}"

. "$ROOT/scripts/bench/lib.sh"
BENCH_WEB="$(bench_binary bench_web)"
BENCH_LAYER_PATH="$(bench_binary bench_layer_path)"
OUT="$(mktemp)"
PATH_OUT="$(mktemp)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
"$BENCH_WEB" "$SECONDS_PER_ROUND" "$ROUNDS" "$CONNECTIONS" | tee "$OUT"
BATCH_OUT="$(mktemp)"
BENCH_WEB_BATCH=500 BENCH_WEB_ONLY=bare,layer,stalled \
  "$BENCH_WEB" "$SECONDS_PER_ROUND" "$ROUNDS" "$CONNECTIONS" | tee "$BATCH_OUT"
"$BENCH_LAYER_PATH" 200000 7 | tee "$PATH_OUT"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$QUICK" == 1 ]] && exit 0

SECTION="$(mktemp)"
{
  echo '<!-- bench-web:start (written by scripts/bench-web.sh; rerun it, do not edit) -->'
  echo '## The web layer: axum hello-world with and without `UmamiLayer`'
  echo
  echo "Run: $STARTED on $(git rev-parse --short HEAD) ($(nproc) cores, $(rustc --version))."
  echo "Load average before / after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine"
  echo 'shares its cores with the app, the load loop and the receiver: compare ratios, not absolutes).'
  echo
  echo "\`bench/benches/bench_web.rs\`, \`--release\`: $ROUNDS interleaved rounds of $SECONDS_PER_ROUND s per server,"
  echo "$CONNECTIONS keep-alive HTTP/1.1 connections from a Rust load loop (hyper) in the same process, each"
  echo 'sending `GET /` with a browser User-Agent, `Accept-Language` and `Referer` back to back. `pass` has a'
  echo 'tower layer that does nothing (the floor: what any layer costs in axum). `layer` queues a page view per'
  echo 'request on a dispatcher (`routing(Routing::BatchAll)`) sending batches to a minimal receiver answering'
  echo 'like `/api/batch` (in the same process: its CPU is counted against the app); `stalled` does the same'
  echo 'with a receiver that never answers (the queue fills, `track` refuses the rest without waiting).'
  echo '`context` has the layer with `/` excluded: the visitor context and the `RequestVisitor` are made, no'
  echo 'page view. Latencies are per request as the load loop saw them; CPU per request is the whole process.'
  echo 'The per-round ratios (each server against `bare` in the same round) are the steadier measure.'
  echo 'Under light load (one connection, one request at a time, the cores not saturated) the latencies'
  echo 'show what the layer adds to a request itself; at saturation they follow the throughput.'
  echo 'Goal of issue 12: `layer` at >= 97% of `bare` throughput and <= 20 µs added at p50.'
  echo
  echo '```text'
  cat "$OUT"
  echo '```'
  echo
  echo 'The same with `max_batch_size(500)` (Umami'"'"'s limit; the default is 100), `bare`, `layer` and'
  echo '`stalled` only (`BENCH_WEB_BATCH=500 BENCH_WEB_ONLY=bare,layer,stalled`): whether fewer, larger'
  echo 'batches cost the sender and the receiver less per page view.'
  echo
  echo '```text'
  cat "$BATCH_OUT"
  echo '```'
  echo
  echo 'The layer alone, without sockets (`bench/benches/bench_layer_path.rs`: one thread calls the service'
  echo 'directly; the page view is built, checked, serialized and offered to a full queue):'
  echo
  echo '```text'
  cat "$PATH_OUT"
  echo '```'
  echo '<!-- bench-web:end -->'
} > "$SECTION"
python3 - "$ROOT/BENCHMARKS.md" "$SECTION" <<'PY'
import re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if __import__("os").path.exists(path) else ""
pattern = re.compile(r"<!-- bench-web:start.*?<!-- bench-web:end -->\n?", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
echo "wrote the bench-web section of BENCHMARKS.md"
