#!/usr/bin/env bash
# The main job, on this machine: install dokku-rs, then deploy examples/hello-app with
# `git push` over ssh, and print the app's URL and the HTTP status nginx answers for
# it (`curl -H 'Host: hello-app.<domain>' http://127.0.0.1/`).
#
# For a fresh Debian machine with a Docker Engine, run as root. Safe to re-run: each
# step converges, and every run redeploys the app with a new commit.
#
# What it changes on the machine: Debian packages it needs (git, openssh-server,
# openssh-client, busybox-static, curl, nginx-light, openssl) installed without
# starting their services; the dokku user and the system install (see install.sh);
# the base image dokku-rs/base:busybox; a separate sshd on 127.0.0.1:2222 run from
# /var/lib/dokku-rs/sshd (scripts/sshd.sh; the system sshd is left alone); a
# separate nginx on ports 80 and 443 run as the dokku user from
# /var/lib/dokku-rs/nginx (scripts/nginx.sh; a system nginx is left alone); the
# global domain (QUICKSTART_DOMAIN, default dokku.test) when none is set; a client
# key and working copy under /var/lib/dokku-rs/quickstart.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
APP="${QUICKSTART_APP:-hello-app}"
STATE_DIR="${QUICKSTART_DIR:-/var/lib/dokku-rs/quickstart}"
export SSHD_PORT="${SSHD_PORT:-2222}"
export SSHD_LISTEN="${SSHD_LISTEN:-127.0.0.1}"
DOMAIN="${QUICKSTART_DOMAIN:-dokku.test}"
export NGINX_HTTP_PORT="${NGINX_HTTP_PORT:-80}"
export NGINX_HTTPS_PORT="${NGINX_HTTPS_PORT:-443}"
export NGINX_USER=dokku
PACKAGES=(git openssh-server openssh-client busybox-static curl nginx-light openssl)

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
# shellcheck source=scripts/lib/common.sh
source "$REPO_ROOT/scripts/lib/common.sh"
install_packages "${PACKAGES[@]}"

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

say "Starting the dokku nginx on ports $NGINX_HTTP_PORT and $NGINX_HTTPS_PORT"
DOKKU_ROOT="$DOKKU_HOME" bash "$REPO_ROOT/scripts/nginx.sh" start

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
# A global domain gives every app its APP.<domain>; an operator's choice is kept.
if [[ -z "$(dokku domains:report --global --domains-global-vhosts 2>/dev/null | tr -d '[:space:]')" ]]; then
  say "Setting the global domain to $DOMAIN"
  dokku domains:set-global "$DOMAIN"
fi
DOMAIN="$(dokku domains:report --global --domains-global-vhosts | awk '{print $1}')"
if ! dokku apps:exists "$APP" >/dev/null 2>&1; then
  dokku apps:create "$APP"
fi
if [[ -z "$(dokku domains:report "$APP" --domains-app-vhosts 2>/dev/null | tr -d '[:space:]')" ]]; then
  dokku domains:add "$APP" "$APP.$DOMAIN"
fi
HOST="$(dokku domains:report "$APP" --domains-app-vhosts | awk '{print $1}')"
# hello-app EXPOSEs 5000; nginx serves it on the http port.
if [[ "$(dokku ports:report "$APP" --ports-map)" != "http:$NGINX_HTTP_PORT:5000" ]]; then
  dokku ports:set "$APP" "http:$NGINX_HTTP_PORT:5000"
fi

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
if [[ "$NGINX_HTTP_PORT" == 80 ]]; then
  url="http://$HOST/"
else
  url="http://$HOST:$NGINX_HTTP_PORT/"
fi
status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: $HOST" "http://127.0.0.1:$NGINX_HTTP_PORT/" || true)"
say "$APP is running at $url (through nginx: curl -H 'Host: $HOST' http://127.0.0.1:$NGINX_HTTP_PORT/)"
printf 'HTTP %s\n' "$status"
[[ "$status" == 200 ]] || die "the app did not answer 200 through nginx" "the push output above has the deploy log; dokku nginx:show-config $APP and /var/lib/dokku-rs/nginx/logs/error.log show nginx's side"
