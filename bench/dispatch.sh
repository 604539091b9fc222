#!/usr/bin/env bash
# Issue 2's benchmark (not a test): end-to-end latency of `dokku help` and
# `dokku hello:world`, and trigger fan-out over 1, 10 and 50 legacy plugins by our bus
# against the same fan-out by a bash loop in plugn's style, side by side in one run.
#
#   bench/dispatch.sh            # builds the release binary, prints a table
#
# Needs hyperfine (Debian package). Machines of this kind are noisy: read the ratios.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

cargo build --release -q -p dokku-cli
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
DOKKU_BIN_SOURCE="$ROOT/target/release/dokku" bash install.sh --prefix "$WORK/p" --no-build >/dev/null
# shellcheck disable=SC1091
source "$WORK/p/env"
export PLUGIN_PATH="$DOKKU_LIB_PATH/plugins"
results="$WORK/results.tsv"
: >"$results"
measure() { # label command...
  local label="$1"
  shift
  hyperfine --style none --warmup 3 --min-runs 20 -N --export-json "$WORK/h.json" "$*" >/dev/null 2>&1 ||
    hyperfine --style none --warmup 3 --min-runs 20 --export-json "$WORK/h.json" "$*" >/dev/null
  python3 - "$WORK/h.json" "$label" >>"$results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}\t{r['median']*1000:.2f}")
PY
}

measure "dokku help (core plugins only)" dokku help
dokku plugin:install "$ROOT/examples/hello-legacy" --name hello >/dev/null
measure "dokku help (+ bash hello plugin)" dokku help
measure "dokku hello:world" dokku hello:world
measure "dokku version" dokku version

for n in 1 10 50; do
  for i in $(seq -w 1 "$n"); do
    dir="$DOKKU_LIB_PATH/plugins/available/bench-$n-$i"
    mkdir -p "$dir"
    printf '[plugin]\ndescription = "bench"\nversion = "0"\n[plugin.config]\n' >"$dir/plugin.toml"
    printf '#!/bin/sh\nexit 0\n' >"$dir/bench-evt-$n"
    chmod +x "$dir/bench-evt-$n"
    ln -sfn "$dir" "$DOKKU_LIB_PATH/plugins/enabled/bench-$n-$i"
  done
  measure "trigger x$n: dokku-rs plugn" plugn trigger "bench-evt-$n"
  measure "trigger x$n: bash plugn-style loop" bash "$ROOT/bench/plugn-style-loop.sh" "bench-evt-$n"
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
ms = {k: float(v) for k, v in rows}
print(f"{'measure':40} {'median ms':>10}")
for k, v in rows:
    print(f"{k:40} {float(v):10.2f}")
print()
print(f"{'fan-out':10} {'dokku-rs ms':>12} {'bash loop ms':>13} {'bash/ours':>10}")
for n in (1, 10, 50):
    ours = ms[f"trigger x{n}: dokku-rs plugn"]
    bash = ms[f"trigger x{n}: bash plugn-style loop"]
    print(f"{n:<10} {ours:12.2f} {bash:13.2f} {bash/ours:10.2f}")
PY
