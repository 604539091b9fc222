#!/usr/bin/env bash
# The whole test suite, as the README states it and CI runs it:
#   1. the lints CI holds every change to (scripts/lint.sh),
#   2. the bash helper library's own checks (no Rust needed),
#   3. every Rust test tier: unit, integration (`it`) and end-to-end (`e2e`, real
#      Docker, sshd, nginx and git: run scripts/ci-prepare.sh first on a fresh machine).
#
# A failing test fails the run: a flaky test is a bug to find, never a retry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/lint.sh

echo "==> bash helper library"
bash scripts/test-bash-helpers.sh

echo "==> cargo test --workspace"
cargo test --workspace --no-fail-fast "$@"
