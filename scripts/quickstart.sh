#!/usr/bin/env bash
# The main job, on this machine: install dokku-rs, then deploy examples/hello-app with
# `git push` over ssh, and print the app's URL and the HTTP status it answers.
#
# For a fresh Debian machine with a Docker Engine, run as root. Safe to re-run: each
# step converges, and every run redeploys the app with a new commit.
#
# What it changes on the machine: Debian packages it needs (git, openssh-server,
# openssh-client, busybox-static, curl) installed without starting their services;
# the dokku user and the system install (see install.sh); the base image
# dokku-rs/base:busybox; a separate sshd on 127.0.0.1:2222 run from
# /var/lib/dokku-rs/sshd (scripts/sshd.sh; the system sshd is left alone); a client
# key and working copy under /var/lib/dokku-rs/quickstart.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
APP="${QUICKSTART_APP:-hello-app}"
STATE_DIR="${QUICKSTART_DIR:-/var/lib/dokku-rs/quickstart}"
export SSHD_PORT="${SSHD_PORT:-2222}"
export SSHD_LISTEN="${SSHD_LISTEN:-127.0.0.1}"
PACKAGES=(git openssh-server openssh-client busybox-static curl)

say() {
  printf -- '=====> %s\n' "$*"
}

die() {
  printf 'quickstart: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then
    printf 'hint: %s\n' "$2" >&2
  fi
  exit 1
}

[[ "$(id -u)" -eq 0 ]] || die "run me as root" "sudo scripts/quickstart.sh"
command -v docker >/dev/null 2>&1 || die "docker not found" "install the Docker Engine first"
docker info >/dev/null 2>&1 || die "the Docker engine is not answering" "start dockerd and re-run"

# --- packages -------------------------------------------------------------------
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the packages from starting their system services (the
  # system sshd in particular); an operator's own policy file is left alone.
  made_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ "$made_policy" == true ]]; then
    rm -f /usr/sbin/policy-rc.d
  fi
fi

# --- dokku ----------------------------------------------------------------------
say "Installing dokku-rs"
install_args=()
if [[ -z "${DOKKU_BIN_SOURCE:-}" ]] && ! command -v cargo >/dev/null 2>&1; then
  # No Rust toolchain: use a binary built earlier, if there is one.
  install_args+=(--no-build)
fi
bash "$REPO_ROOT/install.sh" "${install_args[@]}"
DOKKU_HOME="$(getent passwd dokku | cut -d: -f6)"
[[ -n "$DOKKU_HOME" ]] || die "install.sh did not create the dokku user"
# Deploys run docker as the dokku user.
setpriv --reuid dokku --regid dokku --init-groups -- docker info >/dev/null 2>&1 ||
  die "the dokku user cannot use docker" "make the docker socket group-accessible to the docker group (usermod -aG docker dokku)"

say "Building the base image"
bash "$REPO_ROOT/scripts/build-base-image.sh"

say "Starting the dokku sshd on $SSHD_LISTEN:$SSHD_PORT"
bash "$REPO_ROOT/scripts/sshd.sh" start

# --- the key ----------------------------------------------------------------------
mkdir -p "$STATE_DIR"
chmod 0700 "$STATE_DIR"
KEY="$STATE_DIR/id_ed25519"
if [[ ! -f "$KEY" ]]; then
  ssh-keygen -q -t ed25519 -N '' -C "quickstart@$(hostname)" -f "$KEY"
fi
fingerprint="$(ssh-keygen -l -f "$KEY.pub" | awk '{print $2}')"
if ! grep -qF -- "FINGERPRINT=$fingerprint " "$DOKKU_HOME/.ssh/authorized_keys" 2>/dev/null; then
  say "Adding the quickstart key"
  dokku ssh-keys:add quickstart "$KEY.pub"
fi

# --- the app ------------------------------------------------------------------------
SRC="$STATE_DIR/$APP"
if [[ ! -d "$SRC/.git" ]]; then
  mkdir -p "$SRC"
  git -C "$SRC" init --quiet --initial-branch main
fi
# The working copy follows examples/hello-app; every run commits, so every run
# deploys.
cp -a "$REPO_ROOT/examples/hello-app/." "$SRC/"
git -C "$SRC" add --all
git -C "$SRC" -c user.name=quickstart -c user.email=quickstart@localhost \
  commit --quiet --allow-empty -m "quickstart deploy $(date -u +%Y-%m-%dT%H:%M:%SZ)"

say "Deploying $APP: git push ssh://dokku@$SSHD_LISTEN:$SSHD_PORT/$APP main"
export GIT_SSH_COMMAND="ssh -i $KEY -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
git -C "$SRC" push "ssh://dokku@$SSHD_LISTEN:$SSHD_PORT/$APP" main

# --- the answer ---------------------------------------------------------------------
ip="$(<"$DOKKU_HOME/$APP/IP.web.1")"
port="$(<"$DOKKU_HOME/$APP/PORT.web.1")"
url="http://$ip:$port/"
status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url" || true)"
say "$APP is running at $url"
printf 'HTTP %s\n' "$status"
[[ "$status" == 200 ]] || die "the app did not answer 200" "dokku logs are in the push output above"
