#!/usr/bin/env bash
# Install dokku-rs: the `dokku` binary (also answering as `plugn`, `sigil` and `netrc`) and the core
# plugins, laid out as docs/contracts/layout.md describes. Safe to re-run: every
# step converges on the same tree.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT

usage() {
  cat <<'EOF'
Usage: install.sh [--prefix DIR] [--no-build] [--no-sdk] [--systemd-units DIR] [--help]

Builds the dokku binary (cargo build --release -p dokku-cli) and installs it
with the core plugins.

  (default)      system install, as root: /usr/bin/dokku, /usr/bin/plugn,
                 /usr/bin/sigil and /usr/bin/netrc (unless real ones are there),
                 the dokku user and group, DOKKU_ROOT=~dokku (/home/dokku),
                 DOKKU_LIB_ROOT=/var/lib/dokku, logs in /var/log/dokku
  --prefix DIR   relocatable install for the current user, no root needed:
                 DIR/bin/{dokku,plugn,sigil,netrc}, DIR/home, DIR/lib, DIR/log and DIR/env,
                 a file to source that points dokku at them
  --no-build     do not run cargo; use target/release/dokku, else target/debug/dokku
  --no-sdk       do not install the Rust plugin SDK (LIB/sdk/rust), without which
                 native plugins cannot be built from their source on this machine;
                 it is installed by default when cargo is on the PATH
  --systemd-units DIR
                 only write the systemd units (dist/systemd, with this machine's
                 nginx path) into DIR and exit, for packagers; a system install
                 installs and enables them itself when systemd runs
  -h, --help     show this help

Environment:
  DOKKU_BIN_SOURCE=PATH   install this dokku binary instead of building one
  CARGO_TARGET_DIR        where cargo puts (or has put) the build
  CARGO_HOME              the cargo cache the SDK's dependencies are copied from
                          (default ~/.cargo)
EOF
}

die() {
  printf 'install.sh: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then
    printf 'hint: %s\n' "$2" >&2
  fi
  exit 1
}

say() {
  printf -- '-----> %s\n' "$*"
}

PREFIX=""
BUILD=true
SDK=true
UNITS_ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix)
      [[ $# -ge 2 && -n "$2" ]] || die "--prefix needs a directory"
      PREFIX="$2"
      shift 2
      ;;
    --prefix=*)
      PREFIX="${1#--prefix=}"
      [[ -n "$PREFIX" ]] || die "--prefix needs a directory"
      shift
      ;;
    --no-build)
      BUILD=false
      shift
      ;;
    --no-sdk)
      SDK=false
      shift
      ;;
    --systemd-units)
      [[ $# -ge 2 && -n "$2" ]] || die "--systemd-units needs a directory"
      UNITS_ONLY="$2"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
  esac
done

# --- the binary ---------------------------------------------------------------

find_binary() {
  local target_dir="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
  # An explicit binary wins over everything, so CI and packagers can install
  # what they built elsewhere without cargo on the machine.
  if [[ -n "${DOKKU_BIN_SOURCE:-}" ]]; then
    [[ -f "$DOKKU_BIN_SOURCE" && -x "$DOKKU_BIN_SOURCE" ]] ||
      die "DOKKU_BIN_SOURCE=$DOKKU_BIN_SOURCE is not an executable file"
    BIN_SOURCE="$DOKKU_BIN_SOURCE"
    return
  fi
  if [[ "$BUILD" == "true" ]]; then
    command -v cargo >/dev/null 2>&1 ||
      die "cargo not found" "install Rust, or pass --no-build / DOKKU_BIN_SOURCE=/path/to/dokku"
    say "Building dokku (cargo build --release -p dokku-cli)"
    (cd "$REPO_ROOT" && cargo build --release -p dokku-cli) >&2
    BIN_SOURCE="$target_dir/release/dokku"
    [[ -x "$BIN_SOURCE" ]] || die "cargo did not produce $BIN_SOURCE"
    return
  fi
  local candidate
  for candidate in "$target_dir/release/dokku" "$target_dir/debug/dokku"; do
    if [[ -f "$candidate" && -x "$candidate" ]]; then
      BIN_SOURCE="$candidate"
      return
    fi
  done
  die "--no-build given but no dokku binary in $target_dir/{release,debug}" \
    "run cargo build -p dokku-cli first, or set DOKKU_BIN_SOURCE"
}

# The version `dokku version` prints: the workspace version, unless the
# installer is told otherwise.
workspace_version() {
  if [[ -n "${DOKKU_VERSION:-}" ]]; then
    printf '%s\n' "$DOKKU_VERSION"
    return
  fi
  local version
  version="$(awk '
    /^\[/ { in_section = ($0 == "[workspace.package]") }
    in_section && /^version[[:space:]]*=/ {
      sub(/^version[[:space:]]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit
    }' "$REPO_ROOT/Cargo.toml")"
  printf '%s\n' "${version:-0.0.0}"
}

# install_file SRC DEST: copy through a temporary name so a running dokku is
# never left executing a half-written file. The name comes from mktemp (O_EXCL,
# random suffix: nothing planted beside DEST is written through) and is removed
# if the copy fails or the install is interrupted.
INSTALL_TMP=""
SDK_WORK=""
remove_install_tmp() {
  if [[ -n "$INSTALL_TMP" ]]; then
    rm -f "$INSTALL_TMP"
  fi
  if [[ -n "$SDK_WORK" ]]; then
    rm -rf "$SDK_WORK"
  fi
}
trap remove_install_tmp EXIT
trap 'remove_install_tmp; exit 130' INT
trap 'remove_install_tmp; exit 143' TERM
install_file() {
  local src="$1" dest="$2"
  INSTALL_TMP="$(mktemp "$dest.install.XXXXXX")"
  cp "$src" "$INSTALL_TMP"
  chmod 0755 "$INSTALL_TMP"
  mv -f "$INSTALL_TMP" "$dest"
  INSTALL_TMP=""
}

# --- the plugin trees ---------------------------------------------------------

# copy_plugin SRC DEST: DEST becomes an exact copy of SRC minus the Rust build
# inputs, which are useless at run time. Staging then swapping means files
# deleted from the repo also disappear from the install.
copy_plugin() {
  local src="$1" dest="$2"
  local stage="${dest%/*}/.${dest##*/}.staging"
  rm -rf "$stage"
  mkdir -p "$stage"
  tar -C "$src" -cf - --anchored \
    --exclude=./src --exclude=./tests --exclude=./target --exclude=./Cargo.toml --exclude=./Cargo.lock . |
    tar -C "$stage" -xf - --no-same-owner
  rm -rf "$dest"
  mv "$stage" "$dest"
}

# link TARGET LINK: make LINK a symlink to TARGET, replacing an older link but
# never a real directory (that would be a community plugin of the same name).
link() {
  local target="$1" name="$2"
  if [[ -d "$name" && ! -L "$name" ]]; then
    printf ' !     %s is a directory, not a symlink; leaving it alone\n' "$name" >&2
    return 0
  fi
  ln -sfn "$target" "$name"
}

install_plugins() {
  local lib_root="$1"
  local core_path="$lib_root/core-plugins" plugin_path="$lib_root/plugins"
  local tree manifest dir name
  local -a names=()

  for tree in "$core_path" "$plugin_path"; do
    mkdir -p "$tree/available" "$tree/enabled"
    # plugn reads this file for per-plugin config; an existing one holds the
    # admin's settings and is kept as it is.
    [[ -f "$tree/config.toml" ]] || : >"$tree/config.toml"
  done

  for manifest in "$REPO_ROOT"/plugins/*/plugin.toml; do
    [[ -f "$manifest" ]] || continue
    dir="${manifest%/plugin.toml}"
    name="${dir##*/}"
    names+=("$name")
    copy_plugin "$dir" "$core_path/available/$name"
    # Relative, as layout.md specifies, so the core tree stays valid if moved.
    link "../available/$name" "$core_path/enabled/$name"
    link "$core_path/available/$name" "$plugin_path/available/$name"
    link "$plugin_path/available/$name" "$plugin_path/enabled/$name"
  done
  [[ ${#names[@]} -gt 0 ]] || die "no plugins/*/plugin.toml found under $REPO_ROOT"

  # A core plugin removed from the repo must not linger: the core tree is
  # entirely ours, so drop what this run did not install.
  # A lookup table, not `printf | grep -q`: under pipefail, grep -q exiting at the
  # first match can kill printf with SIGPIPE and make a live plugin look stale.
  local -A installed=()
  for name in "${names[@]}"; do
    installed[$name]=1
  done
  for dir in "$core_path"/available/*/; do
    [[ -d "$dir" ]] || continue
    name="${dir%/}"
    name="${name##*/}"
    if [[ -z "${installed[$name]:-}" ]]; then
      say "Removing stale core plugin $name"
      rm -rf "${core_path:?}/available/$name"
    fi
  done

  # Links whose plugin is gone (an old core plugin, a half-removed community
  # plugin) would make dispatch and triggers fail; Dokku deletes them too.
  find "$core_path" "$plugin_path" -mindepth 2 -maxdepth 2 -xtype l -delete

  CORE_PLUGIN_COUNT=${#names[@]}
}

# --- the Rust plugin SDK ----------------------------------------------------------

# install_rust_sdk LIB_ROOT: what a native plugin's install trigger builds with, under
# LIB_ROOT/sdk/rust (docs/plugin-author-guide.md):
#   src/dokku-plugin-sdk, src/dokku-protocol  the SDK crates as `cargo package` makes them
#   src/examples/hello-native                 the example plugin (the SDK's docs embed it)
#   cargo-home/                               the CARGO_HOME of plugin builds: config.toml
#                                             resolves crates.io's dokku-plugin-sdk to src/
#                                             and builds offline; registry/ holds the SDK's
#                                             crates.io dependencies, copied from this
#                                             machine's cargo cache (no network)
#   target/                                   the target directory all plugin builds share
# Re-running replaces src/ and cargo-home/ and keeps target/.
install_rust_sdk() {
  local lib_root="$1"
  local sdk="$lib_root/sdk/rust" crate offline=true
  if ! command -v cargo >/dev/null 2>&1; then
    say "cargo not found: the plugin SDK is not installed, so native plugins cannot be built here (install Rust and re-run)"
    return 0
  fi
  case "$sdk" in
    *\'* | *$'\n'*) die "cannot write a cargo configuration for $sdk (a quote or newline in the path)" ;;
  esac
  SDK_WORK="$(mktemp -d)"
  mkdir -p "$sdk"

  # The SDK's sources as a standalone crate has them: `cargo package` resolves the
  # workspace inheritance of their Cargo.toml files. A cargo that packages a lock file
  # with a library would resolve dokku-protocol on crates.io: it is told not to.
  local -a package=(package --offline --quiet --no-verify --allow-dirty)
  if cargo package --help 2>/dev/null | grep -q -- --exclude-lockfile; then
    package+=(--exclude-lockfile)
  fi
  if ! (cd "$REPO_ROOT" && CARGO_TARGET_DIR="$SDK_WORK/target" cargo "${package[@]}" \
    -p dokku-protocol -p dokku-plugin-sdk); then
    say "cargo package failed (above): the plugin SDK is not installed, so native plugins cannot be built here"
    return 0
  fi
  mkdir -p "$SDK_WORK/src/examples/hello-native"
  for crate in dokku-protocol dokku-plugin-sdk; do
    tar -C "$SDK_WORK/src" -xzf "$SDK_WORK/target/package/$crate"-[0-9]*.crate --no-same-owner
    mv "$SDK_WORK/src/$crate"-[0-9]* "$SDK_WORK/src/$crate"
  done
  tar -C "$REPO_ROOT/examples/hello-native" -cf - --anchored --exclude=./target --exclude=./Cargo.lock . |
    tar -C "$SDK_WORK/src/examples/hello-native" -xf - --no-same-owner

  mkdir -p "$SDK_WORK/cargo-home"
  if ! copy_sdk_dependencies "$SDK_WORK/src" "$SDK_WORK/cargo-home/registry"; then
    offline=false
    say "Some of the plugin SDK's dependencies are not in this machine's cargo cache: plugin builds will download them"
  fi
  cat >"$SDK_WORK/cargo-home/config.toml" <<EOF
# Written by dokku-rs install.sh: the cargo configuration of native plugin builds
# (CARGO_HOME=$sdk/cargo-home). A plugin depends on dokku-plugin-sdk = "1" as if
# from crates.io; that resolves to the sources in ../src, and every other crate comes
# from registry/ here, offline. A build that needs more crates runs with
# CARGO_NET_OFFLINE=false.
[patch.crates-io]
dokku-plugin-sdk = { path = '$sdk/src/dokku-plugin-sdk' }
dokku-protocol = { path = '$sdk/src/dokku-protocol' }

[net]
offline = $offline
EOF
  replace_dir "$SDK_WORK/src" "$sdk/src"
  replace_dir "$SDK_WORK/cargo-home" "$sdk/cargo-home"
  rm -rf "$SDK_WORK"
  SDK_WORK=""
  mkdir -p "$sdk/target"
  if [[ "$offline" == "true" ]]; then
    say "Installed the plugin SDK in $sdk (native plugins build offline)"
  else
    say "Installed the plugin SDK in $sdk"
  fi
}

# replace_dir NEW DEST: DEST becomes NEW (moved), the old DEST removed.
replace_dir() {
  local new="$1" dest="$2"
  rm -rf "$dest.old"
  if [[ -e "$dest" ]]; then
    mv "$dest" "$dest.old"
  fi
  mv "$new" "$dest"
  rm -rf "$dest.old"
}

# copy_sdk_dependencies SRC REGISTRY: REGISTRY (a cargo home's registry/) gets what an
# offline build of a crate depending on the SDK in SRC needs, from the local cargo cache:
# the index entries of every package of its lock file (all platforms) and the .crate files
# of this platform's, at the workspace's versions (Cargo.lock). Fails unless a build
# resolves and finds every crate with those copies alone.
copy_sdk_dependencies() {
  local src="$1" registry="$2"
  local cache="${CARGO_HOME:-${HOME:-}/.cargo}/registry" seed="$SDK_WORK/seed"
  local name version dir entry lower host
  mkdir -p "$seed/src"
  : >"$seed/src/lib.rs"
  cat >"$seed/Cargo.toml" <<EOF
[package]
name = "dokku-sdk-seed"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
dokku-plugin-sdk = "1"

[patch.crates-io]
dokku-plugin-sdk = { path = '$src/dokku-plugin-sdk' }
dokku-protocol = { path = '$src/dokku-protocol' }

[workspace]
EOF
  cp "$REPO_ROOT/Cargo.lock" "$seed/Cargo.lock"
  (cd "$seed" && cargo update --offline --quiet --workspace) >/dev/null 2>&1 || return 1
  mkdir -p "$registry"
  while read -r name version; do
    lower="${name,,}"
    case "${#lower}" in
      1) entry="1/$lower" ;;
      2) entry="2/$lower" ;;
      3) entry="3/${lower:0:1}/$lower" ;;
      *) entry="${lower:0:2}/${lower:2:2}/$lower" ;;
    esac
    for dir in "$cache"/index/*/; do
      dir="${dir%/}"
      [[ -f "$dir/.cache/$entry" ]] || continue
      mkdir -p "$registry/index/${dir##*/}/.cache/${entry%/*}"
      cp "$dir/.cache/$entry" "$registry/index/${dir##*/}/.cache/$entry"
      if [[ -f "$dir/config.json" ]]; then
        cp "$dir/config.json" "$registry/index/${dir##*/}/"
      fi
    done
    for dir in "$cache"/cache/*/; do
      dir="${dir%/}"
      [[ -f "$dir/$name-$version.crate" ]] || continue
      mkdir -p "$registry/cache/${dir##*/}"
      cp "$dir/$name-$version.crate" "$registry/cache/${dir##*/}/"
    done
  done < <(awk -F'"' '/^name = /{name=$2} /^version = /{print name, $2}' "$seed/Cargo.lock")
  # The proof: a fresh resolution and this platform's downloads, from the copies alone.
  host="$(rustc -vV | sed -n 's/^host: //p')"
  rm -f "$seed/Cargo.lock"
  (cd "$seed" && CARGO_HOME="${registry%/registry}" cargo fetch --offline --quiet --target "$host") \
    >/dev/null 2>&1 || return 1
  # What that fetch unpacked and recorded; builds unpack what they use.
  rm -rf "$registry/src" "${registry%/registry}"/.global-cache "${registry%/registry}"/.package-cache*
}

# --- ssh logins ------------------------------------------------------------------

# setup_ssh_login HOME COMMAND: what `sshcommand create dokku COMMAND` leaves behind:
# HOME/.sshcommand naming the command every key's forced command runs, and an
# authorized_keys file (0700 directory, 0600 file) for ssh-keys:add to fill.
setup_ssh_login() {
  local home="$1" command="$2"
  mkdir -p "$home/.ssh"
  chmod 0700 "$home/.ssh"
  [[ -f "$home/.ssh/authorized_keys" ]] || : >"$home/.ssh/authorized_keys"
  chmod 0600 "$home/.ssh/authorized_keys"
  printf '%s\n' "$command" >"$home/.sshcommand.tmp"
  mv -f "$home/.sshcommand.tmp" "$home/.sshcommand"
}

# write_login_wrapper PREFIX: PREFIX/bin/dokku-login, the forced command of a prefix
# install: dokku with the environment PREFIX/env exports (sshd starts commands with
# a clean environment).
write_login_wrapper() {
  local prefix="$1"
  local wrapper="$prefix/bin/dokku-login"
  cat >"$wrapper.tmp" <<EOF
#!/usr/bin/env bash
# Written by dokku-rs install.sh: the ssh forced command of the install in
# $(printf '%q' "$prefix"). Runs dokku with that install's environment.
source $(printf '%q' "$prefix/env")
exec dokku "\$@"
EOF
  chmod 0755 "$wrapper.tmp"
  mv -f "$wrapper.tmp" "$wrapper"
}

# --- nginx ----------------------------------------------------------------------

# The nginx binary dokku tests and reloads the project's nginx with.
nginx_bin() {
  command -v nginx 2>/dev/null || printf '/usr/sbin/nginx\n'
}

# configure_nginx DIR DOKKU_ROOT USER [HTTP_PORT HTTPS_PORT]: write the project
# nginx's main config (scripts/nginx.sh configure); starting it is
# scripts/nginx.sh start's job.
configure_nginx() {
  NGINX_DIR="$1" DOKKU_ROOT="$2" NGINX_USER="$3" NGINX_HTTP_PORT="${4-80}" \
    NGINX_HTTPS_PORT="${5-443}" NGINX_BIN="$(nginx_bin)" \
    bash "$REPO_ROOT/scripts/nginx.sh" configure
}

# install_nginx_start_helper NGINX_DIR: the one root-owned command the dokku user may
# run with sudo, for `dokku nginx:start` (Dokku's nginx-vhosts whitelists
# `systemctl start nginx` the same way): it starts exactly the project's master, as
# dokku with only CAP_NET_BIND_SERVICE, through the dokku-nginx unit when systemd
# runs. It takes no arguments and every path in it is fixed here, so nothing the
# caller says reaches root. `dokku nginx:stop` needs no rule: the master is dokku's.
NGINX_START_HELPER=/usr/lib/dokku-rs/nginx-start
NGINX_SUDOERS=/etc/sudoers.d/dokku-rs-nginx
install_nginx_start_helper() {
  local dir="$1" setpriv systemctl=""
  setpriv="$(command -v setpriv || printf '/usr/bin/setpriv')"
  if [[ -d /run/systemd/system ]]; then
    systemctl="$(command -v systemctl || true)"
  fi
  q() { printf '%q' "$1"; }
  mkdir -p "${NGINX_START_HELPER%/*}"
  chown root:root "${NGINX_START_HELPER%/*}"
  chmod 0755 "${NGINX_START_HELPER%/*}"
  {
    printf '#!/bin/sh\n'
    printf '# Written by dokku-rs install.sh: starts the project nginx master as dokku with\n'
    printf '# only CAP_NET_BIND_SERVICE, for `dokku nginx:start` (sudo rule: %s).\n' "$NGINX_SUDOERS"
    printf 'set -eu\n'
    printf 'if [ "$#" -ne 0 ]; then echo "nginx-start: takes no arguments" >&2; exit 2; fi\n'
    if [[ -n "$systemctl" ]]; then
      printf 'if [ -d /run/systemd/system ] && [ -f /etc/systemd/system/dokku-nginx.service ]; then\n'
      printf '  exec %s start dokku-nginx.service\n' "$(q "$systemctl")"
      printf 'fi\n'
    fi
    printf 'exec %s --reuid=dokku --regid=%s --init-groups --inh-caps=+net_bind_service --ambient-caps=+net_bind_service -- %s -e %s -p %s -c %s\n' \
      "$(q "$setpriv")" "$(id -g dokku)" "$(q "$(nginx_bin)")" "$(q "$dir/logs/error.log")" "$(q "$dir")" "$(q "$dir/nginx.conf")"
  } >"$NGINX_START_HELPER.tmp"
  chown root:root "$NGINX_START_HELPER.tmp"
  chmod 0755 "$NGINX_START_HELPER.tmp"
  mv -f "$NGINX_START_HELPER.tmp" "$NGINX_START_HELPER"
  if [[ ! -d /etc/sudoers.d ]]; then
    say "sudo is not installed: only root can run dokku nginx:start (apt-get install sudo, then re-run install.sh)"
    return 0
  fi
  # `""`: the command only without arguments.
  printf 'dokku ALL=(root) NOPASSWD: %s ""\n' "$NGINX_START_HELPER" >"$NGINX_SUDOERS.tmp"
  chmod 0440 "$NGINX_SUDOERS.tmp"
  if command -v visudo >/dev/null && ! visudo -cqf "$NGINX_SUDOERS.tmp"; then
    rm -f "$NGINX_SUDOERS.tmp"
    die "visudo rejected the nginx sudoers rule" "report this: the rule is written by install.sh"
  fi
  mv -f "$NGINX_SUDOERS.tmp" "$NGINX_SUDOERS"
}

# --- systemd --------------------------------------------------------------------

# write_systemd_units DIR: the units of dist/systemd (the project's nginx, its sshd,
# the boot-time `dokku ps:restore`, the daily build-cache prune and its timer) into
# DIR, pointing at this machine's nginx. They name the paths a system install uses:
# /usr/bin/dokku, /var/lib/dokku-rs.
write_systemd_units() {
  local dir="$1" src unit nginx
  nginx="$(nginx_bin)"
  mkdir -p "$dir"
  for src in "$REPO_ROOT"/dist/systemd/*.service "$REPO_ROOT"/dist/systemd/*.timer; do
    [[ -f "$src" ]] || continue
    unit="${src##*/}"
    sed -e "s#/usr/sbin/nginx #$nginx #g" "$src" >"$dir/$unit.tmp"
    chmod 0644 "$dir/$unit.tmp"
    mv -f "$dir/$unit.tmp" "$dir/$unit"
    SYSTEMD_UNITS+=("$unit")
  done
  [[ ${#SYSTEMD_UNITS[@]} -gt 0 ]] || die "no dist/systemd/*.service found under $REPO_ROOT"
}

# install_systemd_units: with systemd running, install the units into
# /etc/systemd/system and enable them, so that nginx, the sshd and the apps come back
# after a reboot (docs/operations.md). They are not started here: scripts/nginx.sh
# and scripts/sshd.sh may run the same servers right now; the next boot (or
# `systemctl start`) hands them to systemd.
install_systemd_units() {
  if [[ ! -d /run/systemd/system ]]; then
    say "systemd is not running: no boot units installed (docs/operations.md says what to run at boot)"
    install_builder_prune_cron
    return 0
  fi
  write_systemd_units /etc/systemd/system
  systemctl daemon-reload
  # A unit without an [Install] section (the prune service, started by its timer)
  # cannot be enabled.
  local unit enabled=()
  for unit in "${SYSTEMD_UNITS[@]}"; do
    grep -q '^\[Install\]' "/etc/systemd/system/$unit" && enabled+=("$unit")
  done
  systemctl enable --quiet "${enabled[@]}"
  systemctl start --quiet dokku-builder-prune.timer
  say "Enabled ${enabled[*]}"
}

# install_builder_prune_cron: without systemd, the daily build-cache prune of
# dokku-builder-prune.timer as a line in /etc/cron.d (Dokku does the same), run as
# dokku at 04:05. Skipped when no cron daemon reads /etc/cron.d.
install_builder_prune_cron() {
  local file=/etc/cron.d/dokku-builder-prune
  if [[ ! -d /etc/cron.d ]]; then
    say "no /etc/cron.d: Docker's build cache is not pruned daily (run \`docker builder prune\` now and then)"
    return 0
  fi
  # Through a mktemp name (O_EXCL, random: a file planted at a fixed name is never
  # written through), removed by the EXIT trap if the install stops here. It starts
  # with a dot, so cron (Debian's and cronie) never reads the half-written file.
  INSTALL_TMP="$(mktemp "${file%/*}/.${file##*/}.XXXXXX")"
  printf '%s\n' \
    "# dokku-rs: remove Docker's build cache every day (dist/systemd/dokku-builder-prune.timer without systemd)" \
    "PATH=/usr/local/bin:/usr/bin:/bin" \
    "5 4 * * * dokku docker builder prune --force >>/var/log/dokku/builder-prune.log 2>&1" >"$INSTALL_TMP"
  chmod 0644 "$INSTALL_TMP"
  mv -f "$INSTALL_TMP" "$file"
  INSTALL_TMP=""
}

# --- modes ----------------------------------------------------------------------

write_env_file() {
  local prefix="$1" user="$2" group="$3"
  local env_file="$prefix/env"
  local q_bin q_root q_lib q_log q_user q_group
  q_bin="$(printf '%q' "$prefix/bin")"
  q_root="$(printf '%q' "$prefix/home")"
  q_lib="$(printf '%q' "$prefix/lib")"
  q_log="$(printf '%q' "$prefix/log")"
  q_user="$(printf '%q' "$user")"
  q_group="$(printf '%q' "$group")"
  q_nginx="$(printf '%q' "$prefix/nginx")"
  q_nginx_bin="$(printf '%q' "$(nginx_bin)")"
  cat >"$env_file.tmp" <<EOF
# Written by dokku-rs install.sh. Source it to use the dokku installed here:
#   source $(printf '%q' "$env_file")
# The system user/group and superuser are the installing user, so dokku never
# switches user with sudo and root-only commands are allowed.
case ":\${PATH}:" in
  :$q_bin:*) ;;
  *) PATH=$q_bin:\${PATH} ;;
esac
export PATH
export DOKKU_ROOT=$q_root
export DOKKU_LIB_PATH=$q_lib
export DOKKU_LOGS_DIR=$q_log
export DOKKU_SYSTEM_USER=$q_user
export DOKKU_SYSTEM_GROUP=$q_group
export DOKKU_SUPERUSER=$q_user
export DOKKU_NGINX_BIN=$q_nginx_bin
export DOKKU_NGINX_CONF=$q_nginx/nginx.conf
export DOKKU_NGINX_PID=$q_nginx/nginx.pid
EOF
  mv -f "$env_file.tmp" "$env_file"
}

install_prefix() {
  mkdir -p "$PREFIX"
  PREFIX="$(cd "$PREFIX" && pwd)"
  local user group
  user="$(id -un)"
  group="$(id -gn)"

  mkdir -p "$PREFIX/bin" "$PREFIX/home" "$PREFIX/lib" "$PREFIX/log"
  install_file "$BIN_SOURCE" "$PREFIX/bin/dokku"
  # Relative, so the bin directory can move with the prefix.
  ln -sfn dokku "$PREFIX/bin/plugn"
  ln -sfn dokku "$PREFIX/bin/sigil"
  ln -sfn dokku "$PREFIX/bin/netrc"
  install_plugins "$PREFIX/lib"
  workspace_version >"$PREFIX/lib/VERSION"
  [[ "$SDK" != "true" ]] || install_rust_sdk "$PREFIX/lib"
  write_env_file "$PREFIX" "$user" "$group"
  # No catch-all ports in a prefix: whoever starts it (tests) picks free ones.
  configure_nginx "$PREFIX/nginx" "$PREFIX/home" "$user" "" ""
  write_login_wrapper "$PREFIX"
  setup_ssh_login "$PREFIX/home" "$PREFIX/bin/dokku-login"

  printf 'dokku-rs %s installed in %s (%s core plugins); run: source %s/env\n' \
    "$(<"$PREFIX/lib/VERSION")" "$PREFIX" "$CORE_PLUGIN_COUNT" "$PREFIX"
}

ensure_dokku_user() {
  if ! getent group dokku >/dev/null; then
    if command -v addgroup >/dev/null 2>&1; then
      addgroup --system dokku >/dev/null
    else
      groupadd --system dokku
    fi
  fi
  if ! getent passwd dokku >/dev/null; then
    say "Creating the dokku user"
    if command -v adduser >/dev/null 2>&1; then
      adduser --disabled-password --gecos "" --ingroup dokku dokku >/dev/null
    else
      useradd --create-home --gid dokku --shell /bin/bash dokku
    fi
    # Newer adduser makes homes 0700; Dokku's DOKKU_ROOT is traditionally
    # world-readable (app dirs, VHOST), and sshd is content with 0755.
    chmod 0755 "$(getent passwd dokku | cut -d: -f6)"
  fi
  # Deploys run docker as the dokku user.
  if getent group docker >/dev/null && ! grep -qx docker <<<"$(id -nG dokku | tr ' ' '\n')"; then
    usermod -aG docker dokku
  fi
}

# /usr/bin/NAME -> dokku for the helpers the binary also answers as: sigil (plugins
# render templates with it) and netrc (Dokku's .netrc helper). A NAME that is not our
# link (gliderlabs' sigil, dokku's netrc package) is left alone.
link_system_helper() {
  local target="/usr/bin/$1"
  if [[ -L "$target" && "$(readlink "$target")" == dokku ]] || [[ ! -e "$target" && ! -L "$target" ]]; then
    ln -sfn dokku "$target"
  else
    say "Keeping the existing $target: it is not a link to dokku"
  fi
}

install_system() {
  [[ "$(id -u)" -eq 0 ]] ||
    die "a system install must run as root" "use sudo, or --prefix DIR for a per-user install"

  local lib_root=/var/lib/dokku logs_dir=/var/log/dokku dokku_root
  ensure_dokku_user
  dokku_root="$(getent passwd dokku | cut -d: -f6)"
  dokku_root="${dokku_root:-/home/dokku}"

  install_file "$BIN_SOURCE" /usr/bin/dokku
  ln -sfn dokku /usr/bin/plugn
  link_system_helper sigil
  link_system_helper netrc
  mkdir -p "$dokku_root" "$lib_root" "$logs_dir"
  install_plugins "$lib_root"
  workspace_version >"$lib_root/VERSION"
  # Root-owned: only root (plugin:install, plugin:update) builds plugins with it.
  [[ "$SDK" != "true" ]] || install_rust_sdk "$lib_root"

  chown dokku:dokku "$dokku_root" "$lib_root" "$lib_root/VERSION"
  chown -R dokku:dokku "$lib_root/core-plugins" "$lib_root/plugins"
  # The events plugin expects a group-writable log directory.
  chown dokku:dokku "$logs_dir"
  chmod 0775 "$logs_dir"
  setup_ssh_login "$dokku_root" /usr/bin/dokku
  chown -R dokku:dokku "$dokku_root/.ssh" "$dokku_root/.sshcommand"

  # The project's own nginx (never the system one): its config under
  # /var/lib/dokku-rs/nginx, run as dokku by scripts/nginx.sh start, and the
  # settings file that tells dokku where it is.
  local nginx_dir=/var/lib/dokku-rs/nginx
  configure_nginx "$nginx_dir" "$dokku_root" dokku
  mkdir -p "$dokku_root/.dokkurc"
  install_nginx_start_helper "$nginx_dir"
  printf 'export DOKKU_NGINX_BIN=%s\nexport DOKKU_NGINX_CONF=%s\nexport DOKKU_NGINX_PID=%s\nexport DOKKU_NGINX_SUDO_START=true\n' \
    "$(nginx_bin)" "$nginx_dir/nginx.conf" "$nginx_dir/nginx.pid" >"$dokku_root/.dokkurc/DOKKU_NGINX.tmp"
  mv -f "$dokku_root/.dokkurc/DOKKU_NGINX.tmp" "$dokku_root/.dokkurc/DOKKU_NGINX"
  chown -R dokku:dokku "$dokku_root/.dokkurc"

  install_systemd_units

  printf 'dokku-rs %s installed: /usr/bin/dokku, DOKKU_ROOT=%s, DOKKU_LIB_ROOT=%s (%s core plugins)\n' \
    "$(<"$lib_root/VERSION")" "$dokku_root" "$lib_root" "$CORE_PLUGIN_COUNT"
}

BIN_SOURCE=""
CORE_PLUGIN_COUNT=0
SYSTEMD_UNITS=()
if [[ -n "$UNITS_ONLY" ]]; then
  write_systemd_units "$UNITS_ONLY"
  printf 'systemd units written to %s: %s\n' "$UNITS_ONLY" "${SYSTEMD_UNITS[*]}"
  exit 0
fi
if [[ -z "$PREFIX" && "$(id -u)" -ne 0 ]]; then
  # Fail before a long build that could not be installed anyway.
  die "a system install must run as root" "use sudo, or --prefix DIR for a per-user install"
fi
find_binary
if [[ -n "$PREFIX" ]]; then
  install_prefix
else
  install_system
fi
