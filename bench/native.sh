#!/usr/bin/env bash
# Issue 3's end-to-end benchmark (not a test), side by side in one run:
#   - `dokku hello myapp` with hello-native vs hello-legacy;
#   - `dokku plugin:trigger` with 1, 10 and 50 native handlers vs the same number of
#     legacy (executable) handlers.
# The in-process figures (ns per native handler, load cost per library) come from
# `cargo bench -p dokku-plugin-sdk`.
#
#   bench/native.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

cargo build --release -q -p dokku-cli -p dokku-example-hello-native
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB="$TARGET/release/libdokku_example_hello_native.so"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

prefix() { # name -> installs a fresh prefix and prints its env file
  DOKKU_BIN_SOURCE="$TARGET/release/dokku" bash install.sh --prefix "$WORK/$1" --no-build >/dev/null
  echo "$WORK/$1/env"
}

native_plugin() { # lib_root name
  local dir="$1/plugins/available/$2"
  mkdir -p "$dir"
  sed 's|^library = .*|library = "libhello.so"|' examples/hello-native/plugin.toml >"$dir/plugin.toml"
  cp "$LIB" "$dir/libhello.so"
  ln -sfn "$dir" "$1/plugins/enabled/$2"
}

legacy_trigger_plugin() { # lib_root name
  local dir="$1/plugins/available/$2"
  mkdir -p "$dir"
  printf '[plugin]\ndescription = "bench"\nversion = "0"\n[plugin.config]\n' >"$dir/plugin.toml"
  printf '#!/bin/sh\necho "legacy trigger $*"\n' >"$dir/hello-trigger"
  chmod +x "$dir/hello-trigger"
  ln -sfn "$dir" "$1/plugins/enabled/$2"
}

results="$WORK/results.tsv"
: >"$results"
measure() { # label env-file command...
  local label="$1" envfile="$2"
  shift 2
  hyperfine --style none --warmup 3 --min-runs 20 --export-json "$WORK/h.json" \
    "bash -c 'source $envfile; exec $*' >/dev/null" >/dev/null
  python3 - "$WORK/h.json" "$label" >>"$results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}\t{r['median']*1000:.2f}")
PY
}
baseline_env="$(prefix baseline)"
measure "bash -c source+exec true (shell overhead)" "$baseline_env" true

native_env="$(prefix native)"
native_plugin "$WORK/native/lib" hello
legacy_env="$(prefix legacy)"
# shellcheck disable=SC1090
(source "$legacy_env" && dokku plugin:install "$ROOT/examples/hello-legacy" --name hello >/dev/null)
measure "dokku hello myapp: native" "$native_env" dokku hello myapp
measure "dokku hello myapp: legacy" "$legacy_env" dokku hello myapp

for n in 1 10 50; do
  nat="$(prefix "nat$n")"
  leg="$(prefix "leg$n")"
  for i in $(seq -w 1 "$n"); do
    native_plugin "$WORK/nat$n/lib" "h$i"
    legacy_trigger_plugin "$WORK/leg$n/lib" "h$i"
  done
  measure "plugin:trigger x$n: native" "$nat" dokku plugin:trigger hello-trigger a
  measure "plugin:trigger x$n: legacy" "$leg" dokku plugin:trigger hello-trigger a
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"{'measure':45} {'median ms':>10}")
for k, v in rows:
    print(f"{k:45} {float(v):10.2f}")
ms = {k: float(v) for k, v in rows}
print()
print(f"{'handlers':10} {'native ms':>10} {'legacy ms':>10} {'legacy/native':>14}")
for n in (1, 10, 50):
    a, b = ms[f"plugin:trigger x{n}: native"], ms[f"plugin:trigger x{n}: legacy"]
    print(f"{n:<10} {a:10.2f} {b:10.2f} {b/a:14.2f}")
PY
