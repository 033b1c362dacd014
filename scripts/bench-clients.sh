#!/usr/bin/env bash
# Benchmarks umami-rs side by side with the Python (`umami-analytics`, PyPI) and Node
# (`@umami/node`, npm) clients against one local nginx receiver, and writes BENCHMARKS.md.
#
#   scripts/bench-clients.sh            # full run (≈ 5 min of measuring), writes BENCHMARKS.md
#   scripts/bench-clients.sh --quick    # tiny N, one run: checks the setup, writes
#                                       # target/bench-peers/BENCHMARKS.quick.md instead
#
# Made for a fresh Debian 12 machine as root: installs what is missing with apt (nginx-light,
# wrk, time, python3-venv, nodejs, npm), the peers by package name into target/bench-peers/
# (a virtualenv and an npm folder; never committed), builds the Rust load generator
# (bench/benches/bench_clients.rs) with --release, then runs scripts/bench/run.py.
# Every request goes to 127.0.0.1. Not part of CI.
#
# Environment overrides: RUNS, N_PYTHON, N_PYTHON_ASYNC, N_NODE, N_RUST, N_RUST_64, N_DISPATCH,
# WRK_SECONDS, NGINX_WORKERS, BENCH_PORT (uses it and the next two), BENCH_OUT,
# DISPATCH_SWEEP (batch:requests pairs, empty to skip), PY_PEER (pip requirement, default
# `umami-analytics`), NODE_PEER (npm spec, default `@umami/node`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${BENCH_SCRATCH:-$ROOT/target/bench-peers}
QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# --- system packages ------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${missing[*]} (run as root, or install them with apt-get)" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- the peers ------------------------------------------------------------------------------
mkdir -p "$SCRATCH"
VENV=$SCRATCH/venv
if [ ! -x "$VENV/bin/python" ]; then
  log "python3 -m venv $VENV"
  python3 -m venv "$VENV"
fi
log "pip install ${PY_PEER:-umami-analytics}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_PEER:-umami-analytics}"

NODE_DIR=$SCRATCH/node
mkdir -p "$NODE_DIR"
[ -f "$NODE_DIR/package.json" ] || echo '{"name":"bench-peers","private":true}' >"$NODE_DIR/package.json"
log "npm install ${NODE_PEER:-@umami/node}"
(cd "$NODE_DIR" && npm install --silent --no-audit --no-fund "${NODE_PEER:-@umami/node}")

# --- the Rust load generator ----------------------------------------------------------------
cd "$ROOT"
log "cargo bench -p umami-bench --bench bench_clients --no-run"
. "$ROOT/scripts/bench/lib.sh"
RUST_BIN=$(bench_binary bench_clients)
# The typed mode needs the derive, the dispatcher mode `umami::dispatch`: the benchmark measures
# what this checkout has.
RUST_MODES=$("$RUST_BIN" modes)
SKIP=()
case ",$RUST_MODES," in *,typed,*) ;; *) SKIP+=(--skip-note "typed=not measured: derive not merged") ;; esac
case ",$RUST_MODES," in *,dispatch,*) ;; *) SKIP+=(--skip-note "dispatch=not measured: umami::dispatch not merged") ;; esac

# --- measure --------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
  RUNS=${RUNS:-1} N_PYTHON=${N_PYTHON:-5} N_PYTHON_ASYNC=${N_PYTHON_ASYNC:-10}
  N_NODE=${N_NODE:-50} N_RUST=${N_RUST:-200} N_RUST_64=${N_RUST_64:-500}
  N_DISPATCH=${N_DISPATCH:-2000} WRK_SECONDS=${WRK_SECONDS:-1} DISPATCH_SWEEP=${DISPATCH_SWEEP-100:2}
  OUT=${BENCH_OUT:-$SCRATCH/BENCHMARKS.quick.md}
fi
exec python3 "$ROOT/scripts/bench/run.py" \
  --root "$ROOT" --scratch "$SCRATCH" --rust-bin "$RUST_BIN" --rust-modes "$RUST_MODES" \
  "${SKIP[@]}" \
  --python "$VENV/bin/python" --node "$(command -v node)" --node-dir "$NODE_DIR" \
  --runs "${RUNS:-5}" --n-python "${N_PYTHON:-300}" --n-python-async "${N_PYTHON_ASYNC:-300}" \
  --n-node "${N_NODE:-3000}" --n-rust "${N_RUST:-50000}" --n-rust-64 "${N_RUST_64:-100000}" \
  --n-dispatch "${N_DISPATCH:-200000}" --wrk-seconds "${WRK_SECONDS:-5}" \
  --nginx-workers "${NGINX_WORKERS:-1}" --port "${BENCH_PORT:-18080}" \
  --dispatch-sweep "${DISPATCH_SWEEP-50:2,100:1,100:2,100:4,250:2,500:1,500:2,500:4}" \
  --out "${OUT:-${BENCH_OUT:-$ROOT/BENCHMARKS.md}}"
