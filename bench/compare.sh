#!/usr/bin/env bash
# Side by side (not a test): the same commands through two dokku binaries, each in its
# own prefix install, so a change can show that no command got slower.
#
#   bench/compare.sh OLD_DOKKU NEW_DOKKU
#
# e.g. build the base commit in a worktree with `cargo build --release -p dokku-cli`
# and compare its target/release/dokku with this tree's. Needs hyperfine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 2)) || { echo "usage: bench/compare.sh OLD_DOKKU NEW_DOKKU" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-compare.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The variables a prefix install's env file exports, as one `env` argument list.
env_of() {
  grep '^export ' "$WORK/$1/env" | grep -v '^export PATH' | sed 's/^export //' | tr '\n' ' '
  echo "PATH=$WORK/$1/bin:/usr/bin:/bin"
}

for side in old new; do
  bin="$1"
  [[ $side == new ]] && bin="$2"
  DOKKU_BIN_SOURCE="$bin" bash "$ROOT/install.sh" --prefix "$WORK/$side" --no-build >/dev/null
  # shellcheck disable=SC2046
  env $(env_of "$side") "$WORK/$side/bin/dokku" plugin:install "$ROOT/examples/hello-legacy" --name hello >/dev/null
  # shellcheck disable=SC2046
  env $(env_of "$side") "$WORK/$side/bin/dokku" apps:create web >/dev/null
  # shellcheck disable=SC2046
  env $(env_of "$side") "$WORK/$side/bin/dokku" config:set --no-restart web A=1 >/dev/null
done

old_env="$(env_of old)"
new_env="$(env_of new)"
for cmd in "version" "help" "hello:world" "config:get web A" "apps:list" "apps:report web"; do
  hyperfine -N --style basic --warmup 5 --min-runs 50 \
    -n "old $cmd" "env $old_env $WORK/old/bin/dokku $cmd" \
    -n "new $cmd" "env $new_env $WORK/new/bin/dokku $cmd" |
    grep -E "Time \(mean|faster|slower|^Benchmark"
done
