#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine with a Docker Engine:
# Debian packages, a ready Docker daemon, and the locally built base image. Idempotent.
# Starts one system service, Debian's cron daemon, when it is not running: Dokku's
# cron tasks live in the dokku user's crontab, and the cron e2e test needs the real
# daemon to fire them. Otherwise never starts or stops system services: the tests
# start their own sshd and nginx on loopback ports with their own config, and stop
# them by pid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# systemd: only for systemd-analyze, which checks dist/systemd (no service is started).
# cron: crontab(1) and the daemon that runs the dokku user's crontab (cron e2e test).
# docker-registry: the e2e registry test starts its own on a loopback port (never the service).
# fcgiwrap: the git:auth e2e test serves git-http-backend through its own loopback nginx.
# sudo: a system install's root helpers (storage, nginx:start) are reached through it.
PACKAGES=(git curl openssh-server openssh-client nginx-light openssl busybox-static hyperfine file bsdextrautils procps gcc systemd docker-registry fcgiwrap sudo cron)
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

echo "==> cron daemon"
# Running when its pid file names a live process; never stopped by this script.
cron_pid=$(cat /var/run/crond.pid 2>/dev/null || true)
if [[ -n $cron_pid ]] && kill -0 "$cron_pid" 2>/dev/null; then
  echo "cron is running (pid $cron_pid)"
else
  service cron start >/dev/null 2>&1 || /usr/sbin/cron
  echo "cron started"
fi

echo "==> base image"
bash scripts/build-base-image.sh
