#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine with a Docker Engine:
# Debian packages, a ready Docker daemon, and the locally built base image. Idempotent.
# Never starts or stops system services: the tests start their own sshd and nginx on
# loopback ports with their own config, and stop them by pid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# systemd: only for systemd-analyze, which checks dist/systemd (no service is started).
# docker-registry: the e2e registry test starts its own on a loopback port (never the service).
# fcgiwrap: the git:auth e2e test serves git-http-backend through its own loopback nginx.
# sudo: a system install's root helpers (storage, nginx:start) are reached through it.
PACKAGES=(git curl openssh-server openssh-client nginx-light openssl busybox-static hyperfine file bsdextrautils procps gcc systemd docker-registry fcgiwrap sudo)
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
install_packages "${PACKAGES[@]}"

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
