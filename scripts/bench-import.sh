#!/usr/bin/env bash
# Measures `umami import` (the command line, umami-cli/) on JSON Lines and a combined access
# log of 100,000 and 1,000,000 lines against a minimal local receiver
# (bench/benches/bench_import.rs: it answers /api/batch as Umami 3.1 does and counts the
# items), then once more with the receiver answering each batch after 100 ms (a slow server:
# memory must stay flat while chunks wait on disk). Prints the tables; BENCHMARKS.md has the
# section "The command line's import" written from such a run.
#
#   scripts/bench-import.sh            # 100k and 1M lines, then 1M against the slow receiver
#   scripts/bench-import.sh --quick    # 10,000 lines: checks the setup
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
cargo build --release -p umami-analytics-cli --bin umami
. "$ROOT/scripts/bench/lib.sh"
BENCH=$(bench_binary bench_import)
UMAMI="$ROOT/target/release/umami"
if [[ "${1:-}" == "--quick" ]]; then
  "$BENCH" 10000 "$UMAMI"
  exit 0
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" 100000 "$UMAMI"
"$BENCH" 1000000 "$UMAMI"
echo "receiver answering after 100 ms:"
BENCH_DELAY_MS=100 "$BENCH" 1000000 "$UMAMI"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
