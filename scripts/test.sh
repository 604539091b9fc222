#!/usr/bin/env bash
# The whole test suite, as the README states it and CI runs it:
#   1. the bash helper library's own checks (no Rust needed),
#   2. every Rust test tier: unit, integration (`it`) and end-to-end (`e2e`, real
#      Docker, sshd, nginx and git: run scripts/ci-prepare.sh first on a fresh machine).
#
# A rare failure of one integration test under full parallel load has been seen and
# not yet explained (see the issue notes). The failed tests are re-run once, by name;
# the run fails if any fails twice, and a pass on the second try is reported as FLAKY.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> bash helper library"
bash scripts/test-bash-helpers.sh

echo "==> cargo test --workspace"
log="$(mktemp "${TMPDIR:-/tmp}/dokku-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
if cargo test --workspace --no-fail-fast "$@" 2>&1 | tee "$log"; then
  exit 0
fi
# Collect "<test source> <test name>" pairs: each "---- <test> stdout ----" header
# belongs to the last "Running <source> (...)" line before it.
mapfile -t failed < <(awk '
  /^     Running / { src = $2 }
  /^---- .* stdout ----$/ { print src "\t" $2 }
' "$log" | sort -u)
if ((${#failed[@]} == 0)); then
  echo "==> cargo test failed without a failing test (a build error?)" >&2
  exit 1
fi
echo "==> re-running ${#failed[@]} failed test(s) once" >&2
status=0
for entry in "${failed[@]}"; do
  src="${entry%%$'\t'*}"
  name="${entry#*$'\t'}"
  pkg_args=()
  case "$src" in
    tests/it/main.rs) pkg_args=(-p dokku-cli --test it) ;;
    tests/e2e/main.rs) pkg_args=(-p dokku-cli --test e2e) ;;
    *) echo "FAILED (not re-runnable here): $src $name" >&2; status=1; continue ;;
  esac
  if cargo test "${pkg_args[@]}" -- --exact "$name"; then
    echo "FLAKY: $name failed once, then passed" >&2
  else
    echo "FAILED twice: $name" >&2
    status=1
  fi
done
exit "$status"
