#!/usr/bin/env bash
# The whole test suite, as the README states it and CI runs it:
#   1. the bash helper library's own checks (no Rust needed),
#   2. every Rust test tier: unit, integration (`it`) and end-to-end (`e2e`, real
#      Docker, sshd and git: run scripts/ci-prepare.sh first on a fresh machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> bash helper library"
bash scripts/test-bash-helpers.sh

echo "==> cargo test --workspace"
cargo test --workspace --no-fail-fast "$@"
