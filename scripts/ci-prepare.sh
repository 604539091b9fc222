#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine with a Docker Engine:
# Debian packages, a ready Docker daemon, and the locally built base image. Idempotent.
# Never starts or stops system services: the tests start their own sshd and nginx on
# loopback ports with their own config, and stop them by pid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(git curl openssh-server openssh-client nginx-light openssl busybox-static hyperfine file bsdextrautils procps gcc)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the packages from starting their system services; an
  # operator's own policy file is left as it is.
  made_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ $made_policy == true ]]; then
    rm -f /usr/sbin/policy-rc.d
  fi
fi

echo "==> waiting for the Docker daemon"
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
docker info >/dev/null 2>&1 || {
  echo "ci-prepare: the Docker daemon is not answering" >&2
  echo "hint: start dockerd (systemctl start docker) and re-run" >&2
  exit 1
}

echo "==> base image"
bash scripts/build-base-image.sh
