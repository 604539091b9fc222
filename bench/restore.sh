#!/usr/bin/env bash
# Benchmark (not a test): the wall time of `dokku ps:restore --all` after a simulated
# reboot, for N apps (default 20) behind the project's nginx.
#
# It installs dokku into a temp prefix, starts the project's nginx on free loopback
# ports, deploys examples/hello-app as N apps, then for each mode: stops every app
# container (as a shutdown does: their restart policies stay), times the restore,
# and checks that every app answers through nginx with its own greeting.
#
# Modes (MODES, in this order by default):
#   before   BASELINE_BIN (a dokku built from main before issue 17): one app after
#            the other, each released and deployed anew
#   serial   this dokku with --parallel 1: existing containers started in place,
#            one app after the other
#   default  this dokku as the boot unit runs it: in place, twice the CPU count
#            at a time
#   all      this dokku with --parallel N: every app at once
#
# The checks are the ones a deploy runs (default-wait, default 10 seconds as in
# Dokku; CHECKS_WAIT sets it); wait-to-retire is 0 so that no background retire
# outlives the benchmark. Everything it starts is labelled and removed at the end,
# nginx is stopped by its pid; nothing else is touched.
#
# Usage: bench/restore.sh [APPS]
# Environment: DOKKU_BIN_SOURCE (default: target/release/dokku, else debug),
#              BASELINE_BIN (without it the `before` mode is skipped), MODES,
#              CHECKS_WAIT
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APPS="${1:-20}"
CHECKS_WAIT="${CHECKS_WAIT:-10}"
MODES="${MODES:-before serial default all}"
BIN="${DOKKU_BIN_SOURCE:-}"
if [[ -z "$BIN" ]]; then
  for candidate in "${CARGO_TARGET_DIR:-$REPO_ROOT/target}"/{release,debug}/dokku; do
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
BASELINE_BIN="${BASELINE_BIN:-}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench-restore.XXXXXX")"
ID="benchrestore$$"
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP_PORT="$(free_port)"
HTTPS_PORT="$(free_port)"

nginx_script() {
  NGINX_DIR="$WORK/prefix/nginx" NGINX_BIN="$DOKKU_NGINX_BIN" NGINX_HTTP_PORT="$HTTP_PORT" \
    NGINX_HTTPS_PORT="$HTTPS_PORT" NGINX_LISTEN=127.0.0.1 NGINX_WORKERS=1 \
    NGINX_USER="$(id -un)" DOKKU_ROOT="$DOKKU_ROOT" bash "$REPO_ROOT/scripts/nginx.sh" "$1"
}

cleanup() {
  [[ -n "${DOKKU_ROOT:-}" ]] && nginx_script stop >/dev/null 2>&1 || true
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

bash "$REPO_ROOT/scripts/build-base-image.sh" >/dev/null
DOKKU_BIN_SOURCE="$BIN" bash "$REPO_ROOT/install.sh" --prefix "$WORK/prefix" --no-build >/dev/null
# shellcheck source=/dev/null
source "$WORK/prefix/env"

# Label everything this benchmark creates, so cleanup finds it.
mkdir -p "$WORK/labels"
printf '[plugin]\ndescription = "bench labels"\nversion = "0.1.0"\n[plugin.config]\n' >"$WORK/labels/plugin.toml"
for trigger in docker-args-deploy docker-args-build docker-args-run; do
  printf '#!/bin/sh\necho " --label=com.dokku-rs.test=%s"\n' "$ID" >"$WORK/labels/$trigger"
  chmod +x "$WORK/labels/$trigger"
done
dokku plugin:install "$WORK/labels" >/dev/null
dokku checks:set --global wait-to-retire 0 >/dev/null
# Quick deploys while setting up; the restores below run with CHECKS_WAIT.
dokku __core prop set checks --global default-wait 1
dokku nginx:set --global bind-address-ipv4 127.0.0.1 >/dev/null
dokku nginx:set --global bind-address-ipv6 ::1 >/dev/null
dokku domains:set-global bench.test >/dev/null
dokku __core prop set proxy --global proxy-port "$HTTP_PORT"
dokku __core prop set proxy --global proxy-ssl-port "$HTTPS_PORT"
nginx_script start >/dev/null

SRC="$WORK/src"
cp -a "$REPO_ROOT/examples/hello-app" "$SRC"
git -C "$SRC" init --quiet --initial-branch main
git -C "$SRC" add --all
git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet -m initial

now_ms() { echo $(($(date +%s%N) / 1000000)); }
app_name() { printf 'bench%02d' "$1"; }

echo "deploying $APPS apps..."
for i in $(seq 1 "$APPS"); do
  app="$(app_name "$i")"
  dokku apps:create "$app" >/dev/null
  dokku ports:set "$app" "http:$HTTP_PORT:5000" >/dev/null
  dokku config:set --no-restart "$app" "GREETING=from-$app" >/dev/null
  git -C "$SRC" push --quiet "$DOKKU_ROOT/$app" main >"$WORK/push.log" 2>&1 || {
    cat "$WORK/push.log" >&2
    exit 1
  }
done
dokku __core prop set checks --global default-wait "$CHECKS_WAIT"

# served: how many apps answer through nginx with their own greeting.
served() {
  local n=0 i app
  for i in $(seq 1 "$APPS"); do
    app="$(app_name "$i")"
    if curl -s --max-time 5 -H "Host: $app.bench.test" "http://127.0.0.1:$HTTP_PORT/" |
      grep -q "GREETING=from-$app"; then
      n=$((n + 1))
    fi
  done
  echo "$n"
}

# shutdown: every running app container stops, as at a reboot.
shutdown() {
  local -a ids
  mapfile -t ids < <(docker container ls --quiet --filter "label=com.dokku-rs.test=$ID")
  ((${#ids[@]} == 0)) || docker container stop -t 5 "${ids[@]}" >/dev/null
}

declare -a rows=()
for mode in $MODES; do
  case "$mode" in
    before)
      if [[ -z "$BASELINE_BIN" ]]; then
        echo "mode before: skipped (set BASELINE_BIN to a dokku built from main)"
        continue
      fi
      install -m 0755 "$BASELINE_BIN" "$WORK/prefix/bin/dokku"
      args=(ps:restore --all)
      ;;
    serial) args=(ps:restore --parallel 1) ;;
    default) args=(ps:restore) ;;
    all) args=(ps:restore --parallel "$APPS") ;;
    *)
      echo "unknown mode $mode" >&2
      exit 1
      ;;
  esac
  if [[ "$mode" != before ]]; then
    install -m 0755 "$BIN" "$WORK/prefix/bin/dokku"
  fi
  shutdown
  echo "mode $mode: dokku ${args[*]} ..."
  start="$(now_ms)"
  status=0
  dokku "${args[@]}" >"$WORK/$mode.log" 2>&1 || status=$?
  end="$(now_ms)"
  ok="$(served)"
  rows+=("$(printf '%-8s %8.1f s   exit %s   %s/%s apps served   %s' "$mode" \
    "$(awk -v ms="$((end - start))" 'BEGIN { print ms / 1000 }')" "$status" "$ok" "$APPS" "${args[*]}")")
  if [[ "$status" -ne 0 ]]; then
    tail -20 "$WORK/$mode.log" >&2
  fi
done

printf '\nps:restore of %s apps after a simulated reboot (default-wait %ss, %s CPUs)\n' \
  "$APPS" "$CHECKS_WAIT" "$(nproc)"
printf '  %s\n' "${rows[@]}"
