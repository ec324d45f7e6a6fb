# Sourced by the scripts: how this machine runs the 32-bit Linux programs that
# x86-wine10 needs (Debian's Wine 10 starts every 32-bit Windows program with
# its 32-bit loader, /usr/lib/wine/wine, an i386 Linux program). Learnt by
# running one, never assumed:
#
#   native  the kernel runs i386 programs itself
#   qemu    qemu-user emulates them, instruction by instruction: the chroot's
#           qemu-i386, through a binfmt_misc entry named winshm-i386 that
#           x86_route_setup registers (a change to the whole machine, until
#           it reboots; docs/testing.md)
#   none    neither; x86_route_why says why and what would fix it
#
# Wine's own WoW64 mode is no route where the kernel refuses i386 programs:
# it still runs the 32-bit code natively, in the CPU's 32-bit mode, which
# such machines (paravirtualised guests) do not offer at all.
#
# WINSHM_X86_ROUTES (default "native qemu") lists the routes that may be
# used; "native" alone refuses the global binfmt_misc change.

x86_binfmt=/proc/sys/fs/binfmt_misc
x86_entry=winshm-i386
WINSHM_X86_ROUTES=${WINSHM_X86_ROUTES:-native qemu}

# x86_probe: 0 if an i386 Linux program runs here. The program is 96 bytes,
# static, and only exits with 7 (int 0x80, exit).
x86_probe() {
  local program status
  program=$(mktemp)
  printf '\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00\x01\x00\x00\x00\x54\x80\x04\x08\x34\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x34\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x04\x08\x00\x80\x04\x08\x60\x00\x00\x00\x60\x00\x00\x00\x05\x00\x00\x00\x00\x10\x00\x00\xb8\x01\x00\x00\x00\xbb\x07\x00\x00\x00\xcd\x80' >"$program"
  chmod +x "$program"
  "$program" >/dev/null 2>&1
  status=$?
  rm -f "$program"
  [ "$status" = 7 ]
}

# x86_emulator_entry: prints the name of an enabled binfmt_misc entry that
# hands i386 programs to an interpreter (ours or anyone's), if there is one.
x86_emulator_entry() {
  local entry
  [ -f "$x86_binfmt/status" ] || return 0
  for entry in "$x86_binfmt"/*; do
    case "${entry##*/}" in register|status) continue ;; esac
    # i386 ELF: class 1, e_machine 3 (the 19th and 20th bytes of the magic).
    if grep -qx enabled "$entry" 2>/dev/null &&
       grep -q '^magic 7f454c4601.\{26\}0300' "$entry" 2>/dev/null; then
      echo "${entry##*/}"
      return 0
    fi
  done
}

# x86_route_detect: sets x86_route (native, qemu or none) and x86_route_why,
# one line, changing nothing.
x86_route_detect() {
  local entry
  entry=$(x86_emulator_entry)
  if [ -n "$entry" ]; then
    # Such an entry comes before the kernel's own i386 support, so with it
    # registered the probe shows only whether emulation works. We register
    # ours only after the probe failed without it.
    if x86_probe; then
      x86_route=qemu
      x86_route_why="i386 programs are emulated: binfmt_misc entry $entry, $(sed -n 's/^interpreter //p' "$x86_binfmt/$entry")"
    else
      x86_route=none
      x86_route_why="binfmt_misc entry $entry is registered for i386 programs, but the probe does not run through it"
    fi
  elif x86_probe; then
    x86_route=native
    x86_route_why="the kernel runs i386 programs natively"
  else
    x86_route=none
    x86_route_why="this kernel refuses i386 programs (Exec format error), and no emulator is registered for them"
  fi
  case " $WINSHM_X86_ROUTES " in
    *" $x86_route "*) ;;
    *) [ "$x86_route" = none ] || x86_route_why="route $x86_route found, but WINSHM_X86_ROUTES=\"$WINSHM_X86_ROUTES\" does not allow it ($x86_route_why)"
       x86_route=none ;;
  esac
}

# x86_route_setup CHROOT: makes a route if there is none and WINSHM_X86_ROUTES
# allows qemu: installs qemu-user-static into CHROOT, mounts binfmt_misc if
# needed and registers CHROOT's qemu-i386 for i386 programs. The F flag makes
# the kernel open the interpreter now, so programs inside the chroot need no
# copy of it. Idempotent: a machine that has a route is left as it is.
# Prints one line saying which route this machine uses.
x86_route_setup() {
  local root=$1 sudo="" qemu
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  x86_route_detect
  if [ "$x86_route" = none ] && [ -z "$(x86_emulator_entry)" ] && [[ " $WINSHM_X86_ROUTES " == *" qemu "* ]]; then
    qemu=$root/usr/bin/qemu-i386-static
    if [ ! -x "$qemu" ]; then
      echo "x86 route: installing qemu-user-static into $root"
      $sudo chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null && apt-get clean"
    fi
    if [ ! -f "$x86_binfmt/status" ]; then
      echo "x86 route: mounting binfmt_misc on $x86_binfmt"
      $sudo mount -t binfmt_misc binfmt_misc "$x86_binfmt" || true
    fi
    if [ -f "$x86_binfmt/register" ]; then
      echo "x86 route: registering $qemu for i386 programs (binfmt_misc entry $x86_entry, flag F; it lasts until reboot; remove it with: echo -1 > $x86_binfmt/$x86_entry)"
      # Magic and mask as qemu's own i386 entry (qemu-binfmt-conf.sh): i386 ELF, ET_EXEC or ET_DYN.
      printf ':%s:M::\\x7fELF\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x03\\x00:\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:%s:F' \
        "$x86_entry" "$(readlink -f "$qemu")" | $sudo tee "$x86_binfmt/register" >/dev/null || true
    fi
    x86_route_detect
    if [ "$x86_route" = none ]; then
      x86_route_why="$x86_route_why; registering qemu-i386 with binfmt_misc failed (it needs root and a kernel with CONFIG_BINFMT_MISC)"
    fi
  fi
  echo "x86 route: $x86_route ($x86_route_why)"
}
