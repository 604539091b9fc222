#!/bin/sh
# Serves /app/www on $PORT (default 5000) with busybox httpd, plus an index page that
# shows a few environment variables, so a deploy can be told apart from the last one.
# With arguments (a Procfile command) it runs them instead.
#
# It exits promptly on SIGTERM: `docker stop` would otherwise wait its full timeout.
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

PORT="${PORT:-5000}"
mkdir -p /tmp/www
cp -R /app/www/. /tmp/www/
{
  echo "Hello from hello-app!"
  echo "GREETING=${GREETING:-}"
  echo "GIT_REV=${GIT_REV:-}"
  echo "DYNO=${DYNO:-}"
} >/tmp/www/index.html

echo "hello-app: serving /tmp/www on port $PORT (${DYNO:-web})"
httpd -f -p "$PORT" -h /tmp/www &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
