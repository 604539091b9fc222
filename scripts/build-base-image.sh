#!/usr/bin/env bash
# Build the local base image that test apps and fixtures start FROM, without
# pulling anything from a registry: a busybox rootfs made from Debian's
# statically linked busybox, loaded with `docker import`.
set -euo pipefail

IMAGE="${DOKKU_BASE_IMAGE:-dokku-rs/base:busybox}"
LABEL="com.dokku-rs.base=1"

usage() {
  cat <<EOF
Usage: scripts/build-base-image.sh [--force] [--help]

Builds the docker image $IMAGE from the host's static busybox
(Debian package busybox-static, installed with apt-get when missing and run
as root). Does nothing when the image already exists, unless --force.

Environment:
  DOKKU_BASE_IMAGE   image name to build (default dokku-rs/base:busybox)
  BUSYBOX            path of a statically linked busybox to use
EOF
}

die() {
  printf 'build-base-image: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then
    printf 'hint: %s\n' "$2" >&2
  fi
  exit 1
}

FORCE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force)
      FORCE=true
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
  shift
done

DOCKER="${DOCKER_BIN:-docker}"
command -v "$DOCKER" >/dev/null 2>&1 || die "docker not found" "install Docker; the tests need a running engine"
"$DOCKER" info >/dev/null 2>&1 || die "the docker engine is not reachable" "start dockerd, or check DOCKER_HOST"

if [[ "$FORCE" != "true" ]] && "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  printf '%s already exists (use --force to rebuild)\n' "$IMAGE"
  exit 0
fi

# is_static FILE: a dynamically linked busybox would need the host's libc
# inside the image, so only a static one will do.
is_static() {
  local file="$1"
  [[ -x "$file" ]] || return 1
  if command -v file >/dev/null 2>&1; then
    grep -q 'statically linked' <<<"$(file -L "$file")"
  else
    # ldd answers "not a dynamic executable" (and fails) for static files.
    if ldd "$file" >/dev/null 2>&1; then
      return 1
    fi
    return 0
  fi
}

find_busybox() {
  local candidate
  for candidate in "${BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
    if [[ -n "$candidate" ]] && is_static "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

if ! BUSYBOX_BIN="$(find_busybox)"; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    printf -- '-----> Installing busybox-static\n'
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have no package lists yet; update only if needed.
    apt-get install -y --no-install-recommends busybox-static >/dev/null ||
      { apt-get update >/dev/null && apt-get install -y --no-install-recommends busybox-static >/dev/null; }
    BUSYBOX_BIN="$(find_busybox)" || die "busybox-static installed but no static busybox found"
  else
    die "no statically linked busybox found" "apt-get install busybox-static (as root), or set BUSYBOX=/path"
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-base-image.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"

mkdir -p "$ROOTFS"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev,var/tmp}
chmod 1777 "$ROOTFS/tmp" "$ROOTFS/var/tmp"
chmod 0700 "$ROOTFS/root"
cp "$BUSYBOX_BIN" "$ROOTFS/bin/busybox"
chmod 0755 "$ROOTFS/bin/busybox"

# One symlink per applet at the path busybox itself reports (bin/sh,
# usr/bin/env, ...), so scripts with either `#!/bin/sh` or `#!/usr/bin/env`
# work. Older builds only know --list; put those applets in /bin.
if applets="$("$BUSYBOX_BIN" --list-full 2>/dev/null)" && [[ -n "$applets" ]]; then
  :
else
  applets="$("$BUSYBOX_BIN" --list | sed 's|^|bin/|')"
fi
while IFS= read -r applet; do
  [[ -n "$applet" && "$applet" != "bin/busybox" ]] || continue
  mkdir -p "$ROOTFS/$(dirname "$applet")"
  ln -sf /bin/busybox "$ROOTFS/$applet"
done <<<"$applets"
[[ -L "$ROOTFS/bin/sh" ]] || ln -sf /bin/busybox "$ROOTFS/bin/sh"

# Enough identity for `id`, `su` and tools that look users up.
cat >"$ROOTFS/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$ROOTFS/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF

# Fixed owners and no timestamps from this machine's users, so the tarball
# depends only on the busybox it holds.
tar --numeric-owner --owner=0 --group=0 -C "$ROOTFS" -cf "$WORK/rootfs.tar" .

OLD_ID="$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"

"$DOCKER" import \
  --change 'CMD ["/bin/sh"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL $LABEL" \
  --message "dokku-rs base image from $("$BUSYBOX_BIN" 2>&1 | head -n 1 || true)" \
  "$WORK/rootfs.tar" "$IMAGE" >/dev/null

NEW_ID="$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE")"
# A rebuild leaves the previous image untagged; drop it unless something
# (a container, an image built FROM it) still uses it.
if [[ -n "$OLD_ID" && "$OLD_ID" != "$NEW_ID" ]]; then
  "$DOCKER" image rm "$OLD_ID" >/dev/null 2>&1 || true
fi
printf 'built %s (%s)\n' "$IMAGE" "$NEW_ID"
