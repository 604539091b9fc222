#!/usr/bin/env bash
# Issue 4's benchmark (not a test): the core every plugin calls, with 10, 1,000 and
# 10,000 apps in DOKKU_ROOT:
#   - `dokku config:get APP KEY` and `dokku config:set --no-restart APP KEY=VALUE`
#     on an app with 20 config vars (goal: config:get <= 5 ms);
#   - `dokku apps:list` (goal: <= 50 ms with 10,000 apps);
#   - `dokku apps:report APP` (stdout and `--format json`) and `dokku apps:report`
#     (every app's report, output to /dev/null), the way `apps:report` scales with
#     the number of apps.
#   A command the installed core plugins do not declare is reported as n/a.
#
#   bench/core.sh            # builds the release binary, prints a table
#
# Apps are made by creating their directories directly under DOKKU_ROOT, which is
# all an app is to these commands. Needs hyperfine (Debian package). Machines of this
# kind are noisy: compare medians, not single runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

cargo build --release -q -p dokku-cli
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
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
print(f"{sys.argv[2]}\t{r['median']*1000:.2f}\t{r['min']*1000:.2f}\t{r['max']*1000:.2f}")
PY
}

declares() { # command: whether an installed core plugin manifest routes it
  grep -qsF "name = \"$1\"" "$DOKKU_LIB_PATH"/core-plugins/available/*/plugin.toml
}

for n in 10 1000 10000; do
  prefix="$WORK/p$n"
  DOKKU_BIN_SOURCE="$ROOT/target/release/dokku" bash install.sh --prefix "$prefix" --no-build >/dev/null
  # shellcheck disable=SC1091
  source "$prefix/env"
  (cd "$DOKKU_ROOT" && seq -f 'app-%05g' 1 "$n" | xargs mkdir -p)
  app="app-$(printf '%05d' $((n / 2 + 1)))"
  pairs=()
  for i in $(seq 1 20); do pairs+=("KEY_$i=value number $i"); done
  dokku config:set --no-restart "$app" "${pairs[@]}" >/dev/null

  measure "config:get ($n apps)" dokku config:get "$app" KEY_10
  measure "config:set --no-restart ($n apps)" dokku config:set --no-restart "$app" BENCH=x
  if declares apps:list; then
    measure "apps:list ($n apps)" dokku apps:list
  else
    printf 'apps:list (%s apps)\tn/a\t\t\n' "$n" >>"$results"
  fi
  if declares apps:report; then
    measure "apps:report APP ($n apps)" dokku apps:report "$app"
    measure "apps:report APP --format json ($n apps)" dokku apps:report "$app" --format json
    measure "apps:report, all apps ($n apps)" dokku apps:report
  else
    for m in "apps:report APP" "apps:report APP --format json" "apps:report, all apps"; do
      printf '%s (%s apps)\tn/a\t\t\n' "$m" "$n" >>"$results"
    done
  fi
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"{'measure':48} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
for label, median, lo, hi in rows:
    print(f"{label:48} {median:>10} {lo:>8} {hi:>8}")
missing = sorted({r[0].split(' (')[0] for r in rows if r[1] == 'n/a'})
if missing:
    print()
    print("n/a: not provided by the installed core plugins yet: " + ", ".join(missing))
PY
