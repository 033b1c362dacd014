#!/usr/bin/env bash
# The web layer's cost as instructions per request, counted by callgrind: the same numbers
# to about 100 instructions on every run of the same binary, whatever else the machine is
# doing (the throughput runs of scripts/bench-web.sh move by several points between runs on
# a shared machine).
#
# Each server of bench/benches/bench_web.rs serves a fixed number of requests
# (BENCH_WEB_REQUESTS) in a process of its own under `valgrind --tool=callgrind`, twice: with
# LOW and HIGH requests. (instructions(HIGH) - instructions(LOW)) / (HIGH - LOW) is what one
# more request costs the whole process in user space (app, load loop, receiver and
# dispatcher; start-up, warm-up and the one-time bot pattern compilation cancel out). The
# kernel's share (sockets) is not counted: it is the same for every server but the `layer`'s
# batches, so the throughput ratio at saturation is closer to 100% than the instruction
# ratio.
#
#   scripts/bench-web-instructions.sh            # writes the section into BENCHMARKS.md
#   scripts/bench-web-instructions.sh --print    # prints it only
#
# Needs valgrind (Debian package `valgrind`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PRINT=0
[[ "${1:-}" == "--print" ]] && PRINT=1
LOW=3200
HIGH=19200
SERVERS=(bare pass context layer stalled)
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

. "$ROOT/scripts/bench/lib.sh"
BENCH_WEB="$(bench_binary bench_web)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
collected() {
  BENCH_WEB_ONLY="$1" BENCH_WEB_REQUESTS="$2" valgrind --tool=callgrind \
    --callgrind-out-file="$WORK/out" "$BENCH_WEB" 1 1 32 \
    >"$WORK/log" 2>&1
  grep -q "^$1: " "$WORK/log" || { cat "$WORK/log" >&2; exit 1; }
  grep -o 'Collected : [0-9]*' "$WORK/log" | awk '{print $3}'
}
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
TABLE="$(mktemp)"
{
  printf '| server | instructions per request | vs bare | added |\n|---|---:|---:|---:|\n'
  BARE=""
  for server in "${SERVERS[@]}"; do
    low="$(collected "$server" "$LOW")"
    high="$(collected "$server" "$HIGH")"
    per=$(( (high - low) / (HIGH - LOW) ))
    BARE="${BARE:-$per}"
    awk -v s="$server" -v p="$per" -v b="$BARE" \
      'BEGIN { printf "| `%s` | %d | %.1f%% | %+d |\n", s, p, 100 * p / b, p - b }'
  done
} | tee "$TABLE"

SECTION="$(mktemp)"
{
  echo '<!-- bench-web-instructions:start (written by scripts/bench-web-instructions.sh; rerun it, do not edit) -->'
  echo '### The web layer in instructions per request (callgrind)'
  echo
  echo "Run: $STARTED on $(git rev-parse --short HEAD) ($(rustc --version), $(valgrind --version))."
  echo "The servers of \`bench/benches/bench_web.rs\` (see above), each in a process of its own under"
  echo "callgrind serving $LOW and then $HIGH requests over 32 connections; the difference over"
  echo "$(( HIGH - LOW )) requests is one request's user-space instructions for the whole process (app, load"
  echo 'loop, dispatcher and receiver). Repeatable to about 100 instructions for the same binary'
  echo "(the dispatcher's batches and the scheduler's order vary a little between runs); the kernel's"
  echo 'share is not in it, so these ratios overstate the cost against throughput.'
  echo
  cat "$TABLE"
  echo '<!-- bench-web-instructions:end -->'
} > "$SECTION"
if [[ "$PRINT" == 1 ]]; then cat "$SECTION"; exit 0; fi
python3 - "$SECTION" <<'EOF'
import re, sys
section = open(sys.argv[1]).read().rstrip("\n")
path = "BENCHMARKS.md"
text = open(path).read()
pattern = re.compile(r"<!-- bench-web-instructions:start.*?<!-- bench-web-instructions:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    # After the bench-web section when there is one, else at the end.
    marker = "<!-- bench-web:end -->"
    if marker in text:
        text = text.replace(marker, marker + "\n\n" + section, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
EOF
echo "BENCHMARKS.md updated"
