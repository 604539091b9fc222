#!/usr/bin/env bash
# Benchmark aid (not a test): where the time of one first deploy goes. A prefix
# install of DOKKU_BIN_SOURCE, then one `git push` of examples/hello-app whose output
# lines are each stamped with the milliseconds since the push began. With
# DOCKER_CALLS=1, every `docker` process the deploy starts is logged too (a logging
# `docker` first on PATH: calls that go to the Engine API start no process and so
# are not in that list), with its start time and duration.
#
# Everything it starts carries the label com.dokku-rs.test=<id> and is removed at
# the end; nothing else is touched.
#
# Usage: bench/first-deploy-timeline.sh
# Environment: DOKKU_BIN_SOURCE (default: target/release/dokku), DOCKER_CALLS=1
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${DOKKU_BIN_SOURCE:-$REPO_ROOT/target/release/dokku}"
[[ -x "$BIN" ]] || {
  echo "timeline: no dokku binary at $BIN" >&2
  echo "hint: cargo build --release -p dokku-cli, or set DOKKU_BIN_SOURCE" >&2
  exit 1
}
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-timeline.XXXXXX")"
ID="timeline$$"
cleanup() {
  local -a ids
  mapfile -t ids < <(docker container ls --all --quiet --filter "label=com.dokku-rs.test=$ID")
  ((${#ids[@]} == 0)) || docker container rm --force "${ids[@]}" >/dev/null
  mapfile -t ids < <(docker image ls --all --quiet --filter "label=com.dokku-rs.test=$ID" | sort -u)
  ((${#ids[@]} == 0)) || docker image rm --force "${ids[@]}" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }

DOKKU_BIN_SOURCE="$BIN" bash "$REPO_ROOT/install.sh" --prefix "$WORK/prefix" --no-build >/dev/null
mkdir -p "$WORK/labels"
printf '[plugin]\ndescription = "timeline labels"\nversion = "0.1.0"\n[plugin.config]\n' \
  >"$WORK/labels/plugin.toml"
for trigger in docker-args-deploy docker-args-build; do
  printf '#!/bin/sh\necho " --label=com.dokku-rs.test=%s"\n' "$ID" >"$WORK/labels/$trigger"
  chmod +x "$WORK/labels/$trigger"
done
# shellcheck disable=SC1091 # written by install.sh above
source "$WORK/prefix/env"
dokku plugin:install "$WORK/labels" >/dev/null

cp -a "$REPO_ROOT/examples/hello-app" "$WORK/src"
printf '%s\n' "$ID" >"$WORK/src/www/timeline-marker.txt"
git -C "$WORK/src" init --quiet --initial-branch main
git -C "$WORK/src" add --all
git -C "$WORK/src" -c user.name=t -c user.email=t@x commit --quiet -m timeline
dokku apps:create timeline >/dev/null

if [[ "${DOCKER_CALLS:-}" == 1 ]]; then
  mkdir -p "$WORK/bin"
  real_docker="$(command -v docker)"
  cat >"$WORK/bin/docker" <<EOF
#!/usr/bin/env bash
start=\$(date +%s%N)
"$real_docker" "\$@"
rc=\$?
end=\$(date +%s%N)
echo "\$((start / 1000000 - \$(cat "$WORK/t0"))) +\$(((end - start) / 1000000))ms rc=\$rc docker \$*" >>"$WORK/docker.log"
exit \$rc
EOF
  chmod +x "$WORK/bin/docker"
  export PATH="$WORK/bin:$PATH"
fi

t0="$(now_ms)"
echo "$t0" >"$WORK/t0"
git -C "$WORK/src" push "$DOKKU_ROOT/timeline" main 2>&1 | while IFS= read -r line; do
  printf '%6d %s\n' "$(($(now_ms) - t0))" "$line"
done
printf '%6d (push ended)\n' "$(($(now_ms) - t0))"
if [[ -f "$WORK/docker.log" ]]; then
  echo "docker processes (ms since the push began, duration):"
  cat "$WORK/docker.log"
fi
dokku apps:destroy timeline --force >/dev/null 2>&1 || true
