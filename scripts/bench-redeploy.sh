#!/usr/bin/env bash
# Benchmark (not a test): the wall time of redeploying an unchanged app by
# `git push`, split into docker time and platform overhead, plus how many trigger
# handlers ran (native vs legacy) and how many docker calls were made.
#
# It installs dokku into a temp prefix, deploys examples/hello-app once to warm
# Docker's build cache, then pushes N empty commits with the checks' waits at their
# minimum (default-wait 0, wait-to-retire 0). Every docker call goes through a
# wrapper named by DOCKER_BIN (set in the prefix's dokkurc) that logs its duration.
# Everything it starts is labelled and removed at the end; nothing else is touched.
#
# Usage: scripts/bench-redeploy.sh [RUNS]   (default 5)
# Environment: DOKKU_BIN_SOURCE=path (default: target/release/dokku, else debug)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
BIN="${DOKKU_BIN_SOURCE:-}"
if [[ -z "$BIN" ]]; then
  for candidate in "$REPO_ROOT/target/release/dokku" "$REPO_ROOT/target/debug/dokku"; do
    if [[ -x "$candidate" ]]; then
      BIN="$candidate"
      break
    fi
  done
fi
[[ -x "$BIN" ]] || {
  echo "bench: no dokku binary; run cargo build --release -p dokku-cli" >&2
  exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench.XXXXXX")"
ID="bench$$"
APP="bench-$$"
cleanup() {
  local -a ids
  mapfile -t ids < <(docker container ls --all --quiet --filter "label=com.dokku-rs.test=$ID")
  ((${#ids[@]} == 0)) || docker container rm --force "${ids[@]}" >/dev/null
  for _ in 1 2 3; do
    mapfile -t ids < <(docker image ls --all --quiet --filter "label=com.dokku-rs.test=$ID" | sort -u)
    ((${#ids[@]} == 0)) && break
    docker image rm --force "${ids[@]}" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

DOKKU_BIN_SOURCE="$BIN" bash "$REPO_ROOT/install.sh" --prefix "$WORK/prefix" --no-build >/dev/null
# shellcheck source=/dev/null
source "$WORK/prefix/env"

# The docker wrapper: one line per call, "<milliseconds> <args>".
DOCKER_LOG="$WORK/docker.log"
cat >"$WORK/docker-timed" <<WRAPPER
#!/usr/bin/env bash
start=\$(date +%s%N)
docker "\$@"
status=\$?
end=\$(date +%s%N)
printf '%s %s\n' "\$(( (end - start) / 1000000 ))" "\$*" >>"$DOCKER_LOG"
exit \$status
WRAPPER
chmod +x "$WORK/docker-timed"
printf 'export DOCKER_BIN=%q\n' "$WORK/docker-timed" >"$DOKKU_ROOT/dokkurc"

# Label everything this benchmark creates, so cleanup finds it (a legacy plugin,
# which also shows what a legacy hook costs).
mkdir -p "$WORK/labels"
printf '[plugin]\ndescription = "bench labels"\nversion = "0.1.0"\n[plugin.config]\n' >"$WORK/labels/plugin.toml"
for trigger in docker-args-deploy docker-args-build; do
  printf '#!/bin/sh\necho " --label=com.dokku-rs.test=%s"\n' "$ID" >"$WORK/labels/$trigger"
  chmod +x "$WORK/labels/$trigger"
done
dokku plugin:install "$WORK/labels" >/dev/null
dokku __core prop set checks --global default-wait 0
dokku checks:set --global wait-to-retire 0 >/dev/null
dokku apps:create "$APP" >/dev/null

SRC="$WORK/src"
cp -a "$REPO_ROOT/examples/hello-app" "$SRC"
git -C "$SRC" init --quiet --initial-branch main
git -C "$SRC" add --all
git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet -m initial
echo "warming up (first deploy)..."
git -C "$SRC" push --quiet "$DOKKU_ROOT/$APP" main >/dev/null 2>&1

now_ms() { echo $(($(date +%s%N) / 1000000)); }
walls=()
dockers=()
calls=()
for i in $(seq 1 "$RUNS"); do
  git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet --allow-empty -m "run $i"
  : >"$DOCKER_LOG"
  start="$(now_ms)"
  git -C "$SRC" push --quiet "$DOKKU_ROOT/$APP" main >/dev/null 2>&1
  end="$(now_ms)"
  walls+=("$((end - start))")
  dockers+=("$(awk '{s += $1} END {print s + 0}' "$DOCKER_LOG")")
  calls+=("$(wc -l <"$DOCKER_LOG")")
done
cp "$DOCKER_LOG" "$WORK/last-run.log"

# One more, traced, to count trigger handlers (the bus logs each one it runs).
git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet --allow-empty -m traced
git -C "$SRC" push "$DOKKU_ROOT/$APP" main >"$WORK/traced.log" 2>&1 || true
printf 'export DOKKU_TRACE=1\n' >>"$DOKKU_ROOT/dokkurc"
git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet --allow-empty -m traced2
git -C "$SRC" push "$DOKKU_ROOT/$APP" main >"$WORK/traced.log" 2>&1 || true
native="$(grep -c '^remote: + native ' "$WORK/traced.log" || true)"
legacy="$(grep -E '^remote: \+ /' "$WORK/traced.log" | grep -c '/plugins/enabled/' || true)"

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
wall="$(median "${walls[@]}")"
dock="$(median "${dockers[@]}")"
printf '\nunchanged redeploy over %s runs (binary %s)\n' "$RUNS" "$BIN"
printf '  wall times (ms):    %s\n' "${walls[*]}"
printf '  docker times (ms):  %s\n' "${dockers[*]}"
printf '  docker calls:       %s\n' "${calls[*]}"
printf '  median wall:        %s ms\n' "$wall"
printf '  median docker:      %s ms\n' "$dock"
printf '  median overhead:    %s ms (wall - docker; waits are 0)\n' "$((wall - dock))"
printf '  trigger handlers:   %s native, %s legacy (one traced deploy)\n' "$native" "$legacy"
printf '  docker calls of the last run (ms, in order):\n'
sed 's/^/    /' "$WORK/last-run.log"
