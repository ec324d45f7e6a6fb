# Sourced by the scripts: Wine 10 from Debian trixie, in a chroot that
# scripts/wine10-setup.sh builds once and caches outside the clone.
#
# The host (Debian 12) has Wine 8 and cannot install wine32:i386, so 32-bit
# programs run only here. Wine 10 runs inside a session: a private mount
# namespace (unshare) in which /proc, /dev and the folders the programs need
# are bound into the chroot at their host paths. Every Wine process of a
# session, and its wineserver, sees the same mounts (the wineserver resolves
# paths for its clients, so they must share its view). The mounts vanish with
# the session, so a run that is killed leaves nothing mounted.
here10=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here10/wine-env.sh"
WINE10_ROOT=${WINE10_ROOT:-$WINSHM_CACHE/wine10-trixie}
export WINE10_ROOT

# wine10_session DIR... -- COMMAND...: runs COMMAND (on the host, in the
# session) with each DIR bound into the chroot at its own path; a wineserver
# is started detached first and stopped afterwards. Inside, scripts/wine10-run.sh
# runs Windows programs.
wine10_session() {
  local binds=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do binds+=("$1"); shift; done
  shift
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo --preserve-env"
  # One session at a time: a session stops the wineserver it finds in the
  # chroot (it would see other mounts), which would kill another's tests.
  mkdir -p "$WINSHM_CACHE"
  exec 8>>"$WINSHM_CACHE/wine10-session.lock"
  flock -n 8 || { echo "wine10: waiting for another Wine 10 session to end" >&2; flock 8; }
  $sudo unshare --mount --propagation private -- /bin/bash -c '
    set -e
    run=$1 root=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    while [ "$1" != "--" ]; do
      mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift
    done
    shift
    export WINSHM_WINE10_SESSION=$root
    # A server left by an earlier session sees other mounts: stop it. Ours
    # is started with stdio detached, else it holds the caller'"'"'s pipes open.
    # (Before the first run the prefix does not exist, and wineserver -p
    # refuses; the wine below then makes the prefix and starts a server.)
    "$run" --raw wineserver -k </dev/null >/dev/null 2>&1 || true
    "$run" --raw wineserver -p </dev/null >/dev/null 2>&1 || true
    "$run" --raw /usr/lib/wine/wine64 cmd /c exit </dev/null >/dev/null 2>&1 || true
    set +e
    "$@"
    status=$?
    "$run" --raw wineserver -k </dev/null >/dev/null 2>&1
    exit $status
  ' wine10 "$here10/wine10-run.sh" "$WINE10_ROOT" "${binds[@]}" -- "$@" 8>&-
  local status=$?
  exec 8>&-
  return $status
}
