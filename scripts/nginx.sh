#!/usr/bin/env bash
# The project's own nginx for dokku-rs: its own main config, pid file, logs and
# temp directories in one directory, including every app's $DOKKU_ROOT/*/nginx.conf.
# It never touches the system nginx: it is started with its own -c config and
# stopped by the pid in its own pid file.
#
# dokku finds it through DOKKU_NGINX_BIN, DOKKU_NGINX_CONF and DOKKU_NGINX_PID
# (install.sh sets them: in $DOKKU_ROOT/.dokkurc/DOKKU_NGINX for a system install,
# in PREFIX/env for a --prefix install), tests it with `nginx -t` and reloads it
# with `nginx -s reload` (docs/contracts/nginx.md).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

NGINX_DIR="${NGINX_DIR:-/var/lib/dokku-rs/nginx}"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx 2>/dev/null || printf '/usr/sbin/nginx')}"
NGINX_HTTP_PORT="${NGINX_HTTP_PORT-80}"
NGINX_HTTPS_PORT="${NGINX_HTTPS_PORT-443}"
NGINX_LISTEN="${NGINX_LISTEN:-}"
if [[ -z "${NGINX_USER:-}" ]]; then
  # A system install's master runs as dokku (dokku tests and reloads it).
  if [[ "$(id -u)" -eq 0 ]] && getent passwd dokku >/dev/null 2>&1; then
    NGINX_USER=dokku
  else
    NGINX_USER="$(id -un)"
  fi
fi
NGINX_WORKERS="${NGINX_WORKERS:-auto}"
if [[ -z "${DOKKU_ROOT:-}" ]]; then
  DOKKU_ROOT="$(getent passwd dokku 2>/dev/null | cut -d: -f6)"
  DOKKU_ROOT="${DOKKU_ROOT:-/home/dokku}"
fi

usage() {
  cat <<USAGE
Usage: scripts/nginx.sh configure|start|stop|reload|status

Runs a separate nginx master for dokku apps, with its main config, pid file,
logs and temp files under $NGINX_DIR. The main config includes
\$DOKKU_ROOT/*/nginx.conf; with NGINX_HTTP_PORT / NGINX_HTTPS_PORT set it also
has a catch-all server that drops requests for unknown hosts.

  configure  write $NGINX_DIR/nginx.conf (start does it too)
  start      configure, check the config and start the master (as NGINX_USER,
             with only CAP_NET_BIND_SERVICE when that is not root)
  stop       stop the master gracefully, by the pid in its pid file
  reload     check the config and reload gracefully
  status     say whether the master runs

Environment:
  NGINX_DIR         state directory (default /var/lib/dokku-rs/nginx)
  NGINX_BIN         nginx binary (default: nginx on PATH)
  NGINX_HTTP_PORT   port of the catch-all http server (default 80; empty: none)
  NGINX_HTTPS_PORT  port of the catch-all https server (default 443; empty: none)
  NGINX_LISTEN      address of the catch-all servers (default: every address)
  NGINX_USER        user the master runs as (default: dokku when run as root
                    and that user exists, else the current user)
  NGINX_WORKERS     worker_processes (default auto)
  DOKKU_ROOT        whose */nginx.conf are included (default ~dokku)
USAGE
}

die() {
  printf 'nginx.sh: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then
    printf 'hint: %s\n' "$2" >&2
  fi
  exit 1
}

CONF="$NGINX_DIR/nginx.conf"
PIDFILE="$NGINX_DIR/nginx.pid"
LOGS="$NGINX_DIR/logs"
TMP="$NGINX_DIR/tmp"

# running_pid: the pid from our pid file, if that process is an nginx master
# started with our config; nothing otherwise (a stale file, or a reused pid).
running_pid() {
  pid_running_with "$PIDFILE" "$CONF"
}

have_ipv6() {
  [[ -s /proc/net/if_inet6 ]]
}

# listen_lines PORT EXTRA: the catch-all's listen directives.
listen_lines() {
  local port="$1" extra="$2"
  if [[ -n "$NGINX_LISTEN" ]]; then
    if [[ "$NGINX_LISTEN" == *:* ]]; then
      printf '    listen [%s]:%s%s default_server;\n' "$NGINX_LISTEN" "$port" "$extra"
    else
      printf '    listen %s:%s%s default_server;\n' "$NGINX_LISTEN" "$port" "$extra"
    fi
  else
    printf '    listen %s%s default_server;\n' "$port" "$extra"
    if have_ipv6; then
      printf '    listen [::]:%s%s default_server;\n' "$port" "$extra"
    fi
  fi
}

write_config() {
  local user_line="" mime="" catch_all=""
  if [[ "$(id -u)" -eq 0 && "$NGINX_USER" == root ]]; then
    # A root master would switch its workers to nobody; keep them root, like the
    # master. (Any other NGINX_USER runs the master itself, which needs no user line.)
    user_line="user root;"
  fi
  if [[ -f /etc/nginx/mime.types ]]; then
    mime="include /etc/nginx/mime.types;"
  fi
  if [[ -n "$NGINX_HTTP_PORT" ]]; then
    catch_all+="  # Requests for hosts no app serves are dropped.
  server {
$(listen_lines "$NGINX_HTTP_PORT" "")
    server_name _;
    access_log off;
    return 444;
  }
"
  fi
  if [[ -n "$NGINX_HTTPS_PORT" ]]; then
    catch_all+="  server {
$(listen_lines "$NGINX_HTTPS_PORT" " ssl")
    server_name _;
    access_log off;
    ssl_reject_handshake on;
    return 444;
  }
"
  fi
  cat >"$CONF.tmp" <<CONFIG
# Written by dokku-rs scripts/nginx.sh: the dokku apps' nginx. Do not edit; set
# NGINX_* and re-run scripts/nginx.sh configure (or start) instead.
$user_line
worker_processes $NGINX_WORKERS;
pid $PIDFILE;
error_log $LOGS/error.log notice;
# A reload waits for old workers; do not let a long-lived connection hold one.
worker_shutdown_timeout 10s;

events {
  worker_connections 1024;
}

http {
  $mime
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  server_tokens off;
  types_hash_max_size 2048;
  server_names_hash_bucket_size 512;
  access_log $LOGS/access.log;

  client_body_temp_path $TMP/client_body;
  proxy_temp_path $TMP/proxy;
  fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi;
  scgi_temp_path $TMP/scgi;

  ssl_session_cache shared:DokkuSSL:10m;
  ssl_session_timeout 1d;
  ssl_session_tickets off;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_prefer_server_ciphers off;

$catch_all
  include $DOKKU_ROOT/*/nginx.conf;
}
CONFIG
  if [[ -f "$CONF" ]] && cmp -s "$CONF.tmp" "$CONF"; then
    rm -f "$CONF.tmp"
  else
    mv -f "$CONF.tmp" "$CONF"
  fi
}

configure() {
  mkdir -p "$NGINX_DIR" "$LOGS" "$TMP"
  write_config
  if [[ "$(id -u)" -eq 0 && "$NGINX_USER" != root ]]; then
    # The master runs as that user, and dokku (the same user) tests and reloads it.
    chown -R "$NGINX_USER:$(id -gn "$NGINX_USER")" "$NGINX_DIR"
  fi
}

# as_user CMD...: run CMD as NGINX_USER, keeping only CAP_NET_BIND_SERVICE so it may
# listen on ports below 1024.
as_user() {
  if [[ "$(id -u)" -eq 0 && "$NGINX_USER" != root ]]; then
    setpriv --reuid="$NGINX_USER" --regid="$(id -g "$NGINX_USER")" --init-groups \
      --inh-caps=+net_bind_service --ambient-caps=+net_bind_service -- "$@"
  else
    "$@"
  fi
}

nginx_cmd() {
  as_user "$NGINX_BIN" -e "$LOGS/error.log" -p "$NGINX_DIR" -c "$CONF" "$@"
}

check_config() {
  local out
  if ! out="$(nginx_cmd -t 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "nginx rejected $CONF" "nginx:validate-config finds the app at fault; nginx:validate-config --clean removes its config"
  fi
}

start() {
  [[ -x "$NGINX_BIN" ]] || die "$NGINX_BIN not found" "apt-get install nginx-light"
  local pid
  if pid="$(running_pid)"; then
    configure
    printf 'nginx already running (pid %s), config %s\n' "$pid" "$CONF"
    return 0
  fi
  configure
  check_config
  rm -f "$PIDFILE"
  local log_start=0
  [[ -f "$LOGS/error.log" ]] && log_start="$(stat -c %s "$LOGS/error.log")"
  # The master outlives this script: it must not inherit the caller's open files.
  # A caller holding a lock on an fd (flock 9>file) would otherwise stay locked for
  # as long as nginx runs.
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if ((fd > 2 && fd < 255)); then
        eval "exec ${fd}>&-" 2>/dev/null || true
      fi
    done
    nginx_cmd
  ) || true
  local _
  for _ in $(seq 1 50); do
    if pid="$(running_pid)"; then
      printf 'nginx started (pid %s), config %s\n' "$pid" "$CONF"
      return 0
    fi
    sleep 0.1
  done
  tail -c +"$((log_start + 1))" "$LOGS/error.log" 2>/dev/null | grep -E '\[(emerg|alert)\]' >&2 || true
  die "nginx did not start" "see $LOGS/error.log (is another server using port ${NGINX_HTTP_PORT:-80}?)"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    printf 'nginx not running\n'
    return 0
  fi
  # QUIT: finish the requests in flight, then exit.
  kill -QUIT "$pid"
  local _
  for _ in $(seq 1 100); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.1
  done
  if [[ -d "/proc/$pid" ]]; then
    kill -TERM "$pid"
    sleep 0.5
  fi
  rm -f "$PIDFILE"
  printf 'nginx stopped (pid %s)\n' "$pid"
}

reload() {
  local pid
  pid="$(running_pid)" || die "nginx is not running" "scripts/nginx.sh start"
  configure
  check_config
  nginx_cmd -s reload
  printf 'nginx reloaded (pid %s)\n' "$pid"
}

case "${1:-}" in
  configure) configure ;;
  start) start ;;
  stop) stop ;;
  reload) reload ;;
  restart)
    stop
    start
    ;;
  status)
    if pid="$(running_pid)"; then
      printf 'nginx running (pid %s), config %s\n' "$pid" "$CONF"
    else
      printf 'nginx not running\n'
      exit 1
    fi
    ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 1
    ;;
esac
