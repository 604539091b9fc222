# shellcheck shell=bash
# Shared by the project's scripts (source it; defines functions only).

# install_packages PKG...: apt-get installs the Debian packages not yet present,
# without starting their system services (a temporary policy-rc.d; an operator's
# own policy file is left as it is). Prints what it installs.
install_packages() {
  local pkg made_policy=false
  local -a missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  printf -- '-----> apt-get install %s\n' "${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ $made_policy == true ]]; then
    rm -f /usr/sbin/policy-rc.d
  fi
}

# pid_running_with PIDFILE CONFIG: prints the pid in PIDFILE if that process was
# started with CONFIG on its command line; fails otherwise (a stale file, or a
# reused pid), so that we only ever signal processes we started.
pid_running_with() {
  local pidfile="$1" config="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  grep -qF -- "$config" <<<"$(tr '\0' ' ' <"/proc/$pid/cmdline")" || return 1
  printf '%s\n' "$pid"
}
