#!/usr/bin/env bash
# Benchmark (not a test): the wall time of the first `git push` deploy of
# examples/hello-app with the default checks (nothing in app.json), against the
# Docker work such a deploy contains, done by hand: a build of the same source plus
# `docker run` until the container first answers HTTP.
#
# The by-hand build uses the builder deploys use: the engine's BuildKit through the
# API (`POST /build?version=2` with the context as a tar body, on the docker
# socket), or Docker's legacy builder (`docker build`) when DOCKER_BUILDKIT=0, as
# for deploys. REFERENCE_BUILDER=buildkit|legacy picks one by hand (legacy is the
# reference of the measurements before the BuildKit change). Either way it passes
# the labels a deploy's build passes (with the legacy builder every label is a
# build step). What a deploy does besides (the release image relabel, container
# create and inspect, the checks' waits, nginx config, triggers) counts as ours.
#
# Each run builds a source that differs from every other build of the run (a marker
# file in www/), so every build does the same work: the base image and the
# entrypoint layer are cached, the www layer is not. Per run, in this order:
#   docker   `docker build`, then `docker run -d` and curl every 10 ms until the
#            container answers; the sum of the two is the reference
#   after    this dokku (DOKKU_BIN_SOURCE): apps:create, then a timed `git push`
#   before   BASELINE_BIN (a dokku built from main before readiness by default),
#            the same way; skipped without BASELINE_BIN
# Before each timed build and each timed push the script sleeps a random 0 to 999
# ms: with a storage driver that has no native diff (fuse-overlayfs, or overlay2 on
# some kernels), the engine ends every layer diff on a whole second (it sleeps until
# the second after the diff began, so that second-precision mtimes compare right),
# and a run whose steps take fixed times would otherwise always land on the same
# phase of that clock and report a lucky or an unlucky number every time.
# Each dokku has its own prefix install with the default checks untouched
# (default-wait 10, uptime-guard 2, default-mode readiness where it exists) and no
# nginx running (the deploy writes the config and skips the reload). Everything it
# starts is labelled and removed at the end; nothing else is touched.
#
# Usage: bench/first-deploy.sh [RUNS]   (default 3)
# Environment: DOKKU_BIN_SOURCE (default: target/release/dokku, else debug),
#              BASELINE_BIN, BASELINE_ROOT (the source tree BASELINE_BIN was
#              built from, whose install.sh installs it; default: this tree),
#              REFERENCE_BUILDER (buildkit or legacy; default
#              buildkit unless DOCKER_BUILDKIT=0), DOCKER_HOST (unix:// only for
#              the buildkit reference; default /var/run/docker.sock)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
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
if [[ -z "${REFERENCE_BUILDER:-}" ]]; then
  REFERENCE_BUILDER=buildkit
  [[ "${DOCKER_BUILDKIT:-}" == 0 ]] && REFERENCE_BUILDER=legacy
fi
case "$REFERENCE_BUILDER" in
  buildkit | legacy) ;;
  *)
    echo "bench: unknown REFERENCE_BUILDER '$REFERENCE_BUILDER'" >&2
    echo "hint: use REFERENCE_BUILDER=buildkit (the engine API, as deploys build) or legacy (docker build)" >&2
    exit 1
    ;;
esac
DOCKER_SOCK=/var/run/docker.sock
if [[ -n "${DOCKER_HOST:-}" ]]; then
  if [[ "$DOCKER_HOST" != unix://* && "$REFERENCE_BUILDER" == buildkit ]]; then
    echo "bench: the buildkit reference talks to a local socket, DOCKER_HOST is $DOCKER_HOST" >&2
    echo "hint: use a unix:// DOCKER_HOST, or REFERENCE_BUILDER=legacy" >&2
    exit 1
  fi
  DOCKER_SOCK="${DOCKER_HOST#unix://}"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bench-first.XXXXXX")"
ID="benchfirst$$"
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

bash "$REPO_ROOT/scripts/build-base-image.sh" >/dev/null

# install NAME BIN [ROOT]: a prefix install at $WORK/NAME by ROOT's install.sh (the
# core plugins' manifests must be the binary's own), whose containers and images carry
# this benchmark's label.
install() {
  local name="$1" bin="$2" root="${3:-$REPO_ROOT}"
  DOKKU_BIN_SOURCE="$bin" bash "$root/install.sh" --prefix "$WORK/$name" --no-build >/dev/null
  mkdir -p "$WORK/labels"
  printf '[plugin]\ndescription = "bench labels"\nversion = "0.1.0"\n[plugin.config]\n' >"$WORK/labels/plugin.toml"
  for trigger in docker-args-deploy docker-args-build; do
    printf '#!/bin/sh\necho " --label=com.dokku-rs.test=%s"\n' "$ID" >"$WORK/labels/$trigger"
    chmod +x "$WORK/labels/$trigger"
  done
  in_prefix "$name" dokku plugin:install "$WORK/labels" >/dev/null
}

# in_prefix NAME CMD...: runs CMD with that install's environment.
in_prefix() {
  local name="$1"
  shift
  # shellcheck disable=SC1090,SC1091
  (source "$WORK/$name/env" && "$@")
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# random_phase: sleeps 0 to 999 ms (see the header: the storage driver's second).
random_phase() { sleep "0.$(printf '%03d' $((RANDOM % 1000)))"; }

# answer_ms ADDR START_MS: curls ADDR every 10 ms until it answers; prints the time
# from START_MS to the answer (empty after 60 s).
answer_ms() {
  local addr="$1" start="$2" _
  for _ in $(seq 1 6000); do
    if curl -s -o /dev/null --max-time 1 "http://$addr/"; then
      echo $(($(now_ms) - start))
      return 0
    fi
    sleep 0.01
  done
}

SRC="$WORK/src"
cp -a "$REPO_ROOT/examples/hello-app" "$SRC"
git -C "$SRC" init --quiet --initial-branch main
# mark VARIANT: a source no other build of this run has seen, committed.
mark() {
  printf '%s %s\n' "$1" "$(date +%s%N)" >"$SRC/www/bench-marker.txt"
  git -C "$SRC" add --all
  git -C "$SRC" -c user.name=b -c user.email=b@x commit --quiet -m "$1"
}

# urlencode TEXT: TEXT with every byte but [A-Za-z0-9._~-] percent-encoded.
urlencode() {
  local LC_ALL=C text="$1" out="" c i
  for ((i = 0; i < ${#text}; i++)); do
    c="${text:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# build_legacy RUN LABEL...: `docker build` of the source with these labels.
build_legacy() {
  local run="$1" label
  shift
  local -a args=()
  for label in "$@"; do args+=(--label "$label"); done
  DOCKER_BUILDKIT=0 docker build --quiet "${args[@]}" -t "bench-first-$ID:$run" "$SRC" >/dev/null 2>&1
}

# build_buildkit RUN LABEL...: the engine's BuildKit through the API, as deploys
# build: the source (without .git) as a tar body, the labels as url-encoded JSON.
# Fails on an HTTP status other than 200 or an error in the build's stream.
build_buildkit() {
  local run="$1" label json="" code
  shift
  for label in "$@"; do
    json+="${json:+,}\"${label%%=*}\":\"${label#*=}\""
  done
  tar -C "$SRC" --exclude=./.git -cf "$WORK/ctx.tar" .
  code="$(curl -sS --unix-socket "$DOCKER_SOCK" -X POST -H 'Content-Type: application/x-tar' \
    --data-binary "@$WORK/ctx.tar" -o "$WORK/build.out" -w '%{http_code}' \
    "http://x/v1.41/build?version=2&t=$(urlencode "bench-first-$ID:$run")&labels=$(urlencode "{$json}")")"
  if [[ "$code" != 200 ]] || grep -q '"errorDetail"' "$WORK/build.out"; then
    echo "bench: the BuildKit build answered HTTP $code" >&2
    tail -c 2000 "$WORK/build.out" >&2
    return 1
  fi
}

# by_hand RUN: prints "BUILD_MS RUN_MS".
by_hand() {
  local run="$1" start build_ms cid ip run_ms
  # The labels a deploy's build passes: with Docker's legacy builder each one is a
  # build step of its own, so the reference does the same work.
  local -a labels=("com.dokku-rs.test=$ID" "com.dokku.app-name=first-$run"
    com.dokku.builder-type=dockerfile com.dokku.image-stage=build dokku=
    org.label-schema.schema-version=1.0 org.label-schema.vendor=dokku)
  mark "docker-$run"
  random_phase
  start="$(now_ms)"
  "build_$REFERENCE_BUILDER" "$run" "${labels[@]}"
  build_ms=$(($(now_ms) - start))
  docker image inspect "bench-first-$ID:$run" >/dev/null 2>&1 || {
    echo "bench: the $REFERENCE_BUILDER build left no image bench-first-$ID:$run" >&2
    exit 1
  }
  start="$(now_ms)"
  cid="$(docker run -d --init --label "com.dokku-rs.test=$ID" -e PORT=5000 "bench-first-$ID:$run")"
  ip="$(docker container inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$cid")"
  run_ms="$(answer_ms "$ip:5000" "$start")"
  docker container rm --force "$cid" >/dev/null
  echo "$build_ms $run_ms"
}

# deploy NAME RUN: prints the wall ms of the first push of a new app.
deploy() {
  local name="$1" run="$2" app start wall
  app="first-$run"
  mark "$name-$run"
  in_prefix "$name" dokku apps:create "$app" >/dev/null
  random_phase
  start="$(now_ms)"
  # shellcheck disable=SC2016 # expanded by the inner bash, in the install's environment
  in_prefix "$name" bash -c 'git -C "$1" push --quiet "$DOKKU_ROOT/$2" main' _ "$SRC" "$app" \
    >"$WORK/push.log" 2>&1 || {
    cat "$WORK/push.log" >&2
    exit 1
  }
  wall=$(($(now_ms) - start))
  in_prefix "$name" dokku ps:stop "$app" >/dev/null 2>&1 || true
  echo "$wall"
}

install after "$BIN"
[[ -n "$BASELINE_BIN" ]] && install before "$BASELINE_BIN" "${BASELINE_ROOT:-$REPO_ROOT}"

echo "warming up (one deploy per install, one build by hand)..."
by_hand 0 >/dev/null
deploy after 0 >/dev/null
[[ -n "$BASELINE_BIN" ]] && deploy before 0 >/dev/null

builds=() runs=() refs=() afters=() befores=()
for i in $(seq 1 "$RUNS"); do
  read -r b r < <(by_hand "$i") || true
  [[ -n "${b:-}" && -n "${r:-}" ]] || {
    echo "bench: the by-hand build and run $i gave no times (see above)" >&2
    exit 1
  }
  builds+=("$b")
  runs+=("$r")
  refs+=("$((b + r))")
  afters+=("$(deploy after "$i")")
  [[ -n "$BASELINE_BIN" ]] && befores+=("$(deploy before "$i")")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
ref="$(median "${refs[@]}")"
after="$(median "${afters[@]}")"
printf '\nfirst deploy of examples/hello-app, default checks, %s runs\n' "$RUNS"
printf '  by hand: %s build (ms):      %s\n' "$REFERENCE_BUILDER" "${builds[*]}"
printf '  by hand: docker run to answer (ms):  %s\n' "${runs[*]}"
printf '  by hand: total (ms):                 %s  (median %s)\n' "${refs[*]}" "$ref"
printf '  after  (%s): push wall (ms):  %s  (median %s, %sx the docker work)\n' \
  "$BIN" "${afters[*]}" "$after" "$(ratio "$after" "$ref")"
if [[ -n "$BASELINE_BIN" ]]; then
  before="$(median "${befores[@]}")"
  printf '  before (%s): push wall (ms):  %s  (median %s, %sx the docker work)\n' \
    "$BASELINE_BIN" "${befores[*]}" "$before" "$(ratio "$before" "$ref")"
fi
