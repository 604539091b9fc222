#!/usr/bin/env bash
# A project-owned sshd for dokku-rs: its own config, host key, pid file and log in
# one directory, listening on a loopback port. It never touches the system sshd:
# it is started with its own -f config and stopped by the pid in its own pid file.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SSHD_DIR="${SSHD_DIR:-/var/lib/dokku-rs/sshd}"
SSHD_PORT="${SSHD_PORT:-2222}"
SSHD_LISTEN="${SSHD_LISTEN:-127.0.0.1}"
SSHD_USER="${SSHD_USER:-dokku}"
SSHD_BIN="${SSHD_BIN:-/usr/sbin/sshd}"

usage() {
  cat <<USAGE
Usage: scripts/sshd.sh start|stop|status|restart

Runs a separate sshd for dokku logins ($SSHD_USER@$SSHD_LISTEN:$SSHD_PORT), with
its config, host key, pid file and log under $SSHD_DIR.

Environment:
  SSHD_DIR     state directory (default /var/lib/dokku-rs/sshd)
  SSHD_PORT    port (default 2222)
  SSHD_LISTEN  address (default 127.0.0.1)
  SSHD_USER    the only user allowed to log in (default dokku)
USAGE
}

die() {
  printf 'sshd.sh: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then
    printf 'hint: %s\n' "$2" >&2
  fi
  exit 1
}

CONFIG="$SSHD_DIR/sshd_config"
PIDFILE="$SSHD_DIR/sshd.pid"

# running_pid: the pid from our pid file, if that process is an sshd started with
# our config; nothing otherwise (a stale file, or a reused pid).
running_pid() {
  pid_running_with "$PIDFILE" "$CONFIG"
}

write_config() {
  local use_pam=no
  # A user created with a disabled password may count as locked without PAM.
  [[ -f /etc/pam.d/sshd ]] && use_pam=yes
  cat >"$CONFIG.tmp" <<CONFIG
# Written by scripts/sshd.sh: dokku logins only.
Port $SSHD_PORT
ListenAddress $SSHD_LISTEN
HostKey $SSHD_DIR/ssh_host_ed25519_key
PidFile $PIDFILE
AllowUsers $SSHD_USER
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM $use_pam
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
CONFIG
  mv -f "$CONFIG.tmp" "$CONFIG"
}

start() {
  [[ "$(id -u)" -eq 0 ]] || die "must run as root" "sshd needs root to switch to the login user"
  [[ -x "$SSHD_BIN" ]] || die "$SSHD_BIN not found" "apt-get install openssh-server"
  local pid
  if pid="$(running_pid)"; then
    printf 'sshd already running (pid %s) on %s:%s\n' "$pid" "$SSHD_LISTEN" "$SSHD_PORT"
    return 0
  fi
  mkdir -p "$SSHD_DIR"
  chmod 0700 "$SSHD_DIR"
  [[ -f "$SSHD_DIR/ssh_host_ed25519_key" ]] ||
    ssh-keygen -q -t ed25519 -N '' -C "dokku-rs sshd" -f "$SSHD_DIR/ssh_host_ed25519_key"
  write_config
  # The privilege-separation directory sshd requires (Debian's service creates it).
  mkdir -p /run/sshd
  chmod 0755 /run/sshd
  "$SSHD_BIN" -t -f "$CONFIG" || die "sshd rejected $CONFIG"
  rm -f "$PIDFILE"
  "$SSHD_BIN" -f "$CONFIG" -E "$SSHD_DIR/sshd.log"
  local _
  for _ in $(seq 1 50); do
    if pid="$(running_pid)"; then
      printf 'sshd started (pid %s) on %s:%s\n' "$pid" "$SSHD_LISTEN" "$SSHD_PORT"
      return 0
    fi
    sleep 0.1
  done
  die "sshd did not start" "see $SSHD_DIR/sshd.log"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    printf 'sshd not running\n'
    return 0
  fi
  kill "$pid"
  local _
  for _ in $(seq 1 50); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.1
  done
  rm -f "$PIDFILE"
  printf 'sshd stopped (pid %s)\n' "$pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status)
    if pid="$(running_pid)"; then
      printf 'sshd running (pid %s) on %s:%s\n' "$pid" "$SSHD_LISTEN" "$SSHD_PORT"
    else
      printf 'sshd not running\n'
      exit 1
    fi
    ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 1
    ;;
esac
