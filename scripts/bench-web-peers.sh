#!/usr/bin/env bash
# What UmamiLayer costs an axum service, beside the middleware a service already runs:
# tower-http's TraceLayer writing an access log line per request (text and JSON, through
# tracing-subscriber's fmt layer into a file), sentry-tower with transactions, posthog-rs
# capturing a $pageview per request, and axum-prometheus. Side by side in one run of
# bench/benches/web_peers.rs, two ways:
#
# 1. Instructions per request, counted by callgrind (repeatable to about 100 instructions,
#    whatever else the machine does): each server in a process of its own under
#    `valgrind --tool=callgrind` serving LOW and then HIGH requests over 32 connections;
#    (instructions(HIGH) - instructions(LOW)) / (HIGH - LOW) is one more request's user-space
#    instructions for the whole process (app, load loop, background workers and receiver;
#    start-up and warm-up cancel out). The kernel's share (sockets, the log file's writes) is
#    not counted.
# 2. Throughput at saturation: ROUNDS interleaved rounds of SECONDS per server, each run in a
#    process of its own; the median of each server's per-round ratio to `bare` of the same
#    round.
#
# Writes the section between the bench-web-peers markers of BENCHMARKS.md (before the
# bench-web section when it is new).
#
#   scripts/bench-web-peers.sh                       # 9 rounds x 2 s, writes BENCHMARKS.md
#   scripts/bench-web-peers.sh SECONDS ROUNDS        # other rounds
#   scripts/bench-web-peers.sh --print [SECONDS ROUNDS]   # prints the section only
#   scripts/bench-web-peers.sh --quick               # 1 round x 1 s, no callgrind, prints only
#
# Needs valgrind (Debian package `valgrind`). Every request goes to 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PRINT=0
QUICK=0
case "${1:-}" in
  --print) PRINT=1; shift ;;
  --quick) QUICK=1; PRINT=1; shift; set -- 1 1 ;;
esac
SECONDS_PER_ROUND="${1:-2}"; ROUNDS="${2:-9}"; CONNECTIONS=32
LOW=3200
HIGH=19200
SERVERS=(bare umami trace-text trace-json sentry posthog prometheus)
[[ "$QUICK" == 1 ]] || command -v valgrind >/dev/null ||
  { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

. "$ROOT/scripts/bench/lib.sh"
BIN="$(bench_binary web_peers)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. instructions per request --------------------------------------------------------
collected() { # server requests -> instructions; the child's result line in $WORK/result-$1
  valgrind --tool=callgrind --callgrind-out-file="$WORK/out" \
    "$BIN" --serve "$1" --requests "$2" --connections "$CONNECTIONS" >"$WORK/log" 2>&1
  grep "^result $1 " "$WORK/log" >"$WORK/result-$1" || { cat "$WORK/log" >&2; exit 1; }
  grep -o 'Collected : [0-9]*' "$WORK/log" | awk '{print $3}'
}
: >"$WORK/instructions"
if [[ "$QUICK" == 0 ]]; then
  for server in "${SERVERS[@]}"; do
    low="$(collected "$server" "$LOW")"
    high="$(collected "$server" "$HIGH")"
    echo "$server $(( (high - low) / (HIGH - LOW) )) $(cat "$WORK/result-$server")" \
      | tee -a "$WORK/instructions"
  done
fi

# --- 2. throughput ----------------------------------------------------------------------
BENCH_WEB_PEERS="$(IFS=,; echo "${SERVERS[*]}")" \
  "$BIN" "$SECONDS_PER_ROUND" "$ROUNDS" "$CONNECTIONS" | tee "$WORK/throughput"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- the section --------------------------------------------------------------------------
python3 - "$WORK" "$STARTED" "$(git rev-parse --short HEAD)" "$(rustc --version)" \
  "$(valgrind --version 2>/dev/null || echo '-')" "$LOAD_BEFORE" "$LOAD_AFTER" \
  "$SECONDS_PER_ROUND" "$ROUNDS" "$CONNECTIONS" "$LOW" "$HIGH" >"$WORK/section" <<'PY'
import re, sys
(work, started, head, rustc, valgrind, load_before, load_after, seconds, rounds, connections,
 low, high) = sys.argv[1:]
low, high = int(low), int(high)
labels = {
    "bare": "axum hello-world alone",
    "umami": "`UmamiLayer`, page views batched to a receiver",
    "trace-text": "`TraceLayer`, a text access log line per request",
    "trace-json": "`TraceLayer`, a JSON access log line per request",
    "sentry": "sentry-tower, a transaction per request",
    "posthog": "posthog-rs, a `$pageview` captured per request",
    "prometheus": "axum-prometheus, request metrics",
}
def pairs(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)
instructions = {}
for line in open(f"{work}/instructions"):
    name, per, rest = line.split(" ", 2)
    instructions[name] = (int(per), pairs(rest))
throughput = {}
raw = []
for line in open(f"{work}/throughput"):
    if line.startswith("summary "):
        name = line.split()[1]
        throughput[name] = pairs(line)
    else:
        raw.append(line.rstrip("\n"))
out = []
w = out.append
w("<!-- bench-web-peers:start (written by scripts/bench-web-peers.sh; rerun it, do not edit) -->")
w("## The web layer beside the middleware a service already runs")
w("")
w(f"Run: {started} on {head} ({rustc}, {valgrind}); load average before / after: "
  f"{load_before} / {load_after}.")
w("`bench/benches/web_peers.rs`: the same axum hello-world (`GET /` answers `Hello, World!`) with")
w("one middleware each, as its documentation sets it up, loaded by 32 keep-alive HTTP/1.1")
w("connections from a Rust load loop in the same process (browser User-Agent, `Accept-Language`,")
w("`Referer`); whatever a middleware sends goes to a receiver in the same process that answers at")
w("once (a stand-in for Umami, Sentry or PostHog; it reads the bodies and parses nothing). The")
w("access logs go to a file through tracing-subscriber's `fmt` layer.")
w("")
w(f"*Instructions per request*: user-space instructions of the whole process counted by callgrind,")
w(f"({high:,} requests minus {low:,}) / {high - low:,}, each server in a process of its own; repeatable")
w("to about 100 instructions; the kernel's share (sockets, log writes) is not in it.")
w(f"*Throughput*: {rounds} interleaved rounds of {seconds} s per server, each in a process of its own on")
w("this shared 2-core machine; *vs bare* is the median (min–max) of each round's ratio to the bare")
w("app's throughput in the same round. *Delivered*: of the requests served (warm-up included), how")
w("many events reached the receiver after a final flush.")
w("")
bare = instructions.get("bare", (0, {}))[0]
text = instructions.get("trace-text", (0, {}))[0] - bare
w("| middleware | instructions per request | added to bare | added, × a text log line | delivered (callgrind run) | req/s | vs bare | CPU µs per request | delivered |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, label in labels.items():
    per, result = instructions.get(name, (None, {}))
    t = throughput.get(name, {})
    if per is None:
        cells = ["–"] * 4
    else:
        added = per - bare
        served = int(result.get("served", 0)) + int(result.get("warm_up", 0))
        delivered = result.get("delivered")
        cells = [
            f"{per:,}",
            "–" if name == "bare" else f"{added:+,}",
            "–" if name == "bare" or not text else f"{added / text:.2f}",
            f"{100 * int(delivered) / served:.1f}%" if delivered and served else "–",
        ]
    if t:
        cells += [f"{int(t['rps']):,}",
                  "100%" if name == "bare" else f"{t['ratio']}% ({float(t['low']):.0f}–{float(t['high']):.0f})",
                  t["cpu"], t["delivered"].replace("-", "–")]
    else:
        cells += ["–"] * 4
    w(f"| {label} (`{name}`) | " + " | ".join(cells) + " |")
w("")
w("<details><summary>the throughput run</summary>")
w("")
w("```text")
out.extend(raw)
w("```")
w("")
w("</details>")
w("<!-- bench-web-peers:end -->")
print("\n".join(out))
PY
if [[ "$PRINT" == 1 ]]; then cat "$WORK/section"; exit 0; fi
python3 - "$WORK/section" <<'PY'
import re, sys
section = open(sys.argv[1]).read().rstrip("\n")
path = "BENCHMARKS.md"
text = open(path).read()
pattern = re.compile(r"<!-- bench-web-peers:start.*?<!-- bench-web-peers:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    marker = "<!-- bench-web:start"
    if marker in text:
        text = text.replace(marker, section + "\n\n" + marker, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote the bench-web-peers section of BENCHMARKS.md"
