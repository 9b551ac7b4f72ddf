#!/bin/bash
# Recording stand-in for the commands the pveq init scripts run (test use only). The test links
# this file under each command name into a directory that is the scripts' whole PATH.
#  - every call appends one line "name<TAB>arg<TAB>arg..." to $FAKE_LOG and its environment to $FAKE_ENV_LOG;
#  - package managers, systemd tools, chpasswd, cloud-init, locale and swap tools are faked,
#    keeping their state in $FAKE_STATE and in the fake root $PVEQ_ROOT;
#  - any other name runs the real command of that name (found on $FAKE_REAL_PATH).
set -u
orig_path=$PATH
PATH=$FAKE_REAL_PATH
name=${0##*/}
line=$name
for a in "$@"; do # one write per call; backslash, tab and newline escaped as \\ \t \n
  a=${a//\\/\\\\}
  a=${a//$'\t'/\\t}
  line+=$'\t'${a//$'\n'/\\n}
done
printf '%s\n' "$line" >>"$FAKE_LOG"
{ printf '### %s\n' "$name"; export -p; } >>"$FAKE_ENV_LOG"
R=$PVEQ_ROOT
S=$FAKE_STATE

has() { # has LIST ITEM: ITEM is a line of $S/LIST (bash only: stand-ins run often)
  local l
  [[ -f $S/$1 ]] || return 1
  while IFS= read -r l; do [[ $l == "$2" ]] && return 0; done <"$S/$1"
  return 1
}
add() { has "$1" "$2" || printf '%s\n' "$2" >>"$S/$1"; }
norm_locale() { # en_US.UTF-8 -> en_US.utf8
  local l=$1 cs
  if [[ $l == *.* ]]; then cs=${l#*.}; cs=${cs//-/}; l=${l%%.*}.${cs,,}; fi
  printf '%s' "$l"
}
install_pkgs() {
  local p
  for p in "$@"; do
    if [[ $p == missing-* ]]; then echo "E: Unable to locate package $p" >&2; exit 100; fi
  done
  for p in "$@"; do add installed "$p"; done
}

case $name in
  apt-get)
    [[ ${DEBIAN_FRONTEND:-} == noninteractive ]] || { echo "apt-get stand-in: would prompt (DEBIAN_FRONTEND unset)" >&2; exit 1; }
    args=() yes=0
    while (($#)); do
      case $1 in
        -o) shift 2 ;;
        -y) yes=1; shift ;;
        -*) shift ;;
        *) args+=("$1"); shift ;;
      esac
    done
    case ${args[0]:-} in
      update) touch "$S/apt-lists" ;;
      install)
        ((yes)) || { echo "apt-get stand-in: would prompt (no -y)" >&2; exit 1; }
        [[ -e $S/apt-lists ]] || { echo "E: Unable to locate package ${args[1]} (no package lists)" >&2; exit 100; }
        install_pkgs "${args[@]:1}" ;;
      *) echo "apt-get stand-in: unsupported: ${args[*]}" >&2; exit 1 ;;
    esac ;;
  dnf)
    args=() yes=0
    for a in "$@"; do case $a in -y) yes=1 ;; -*) ;; *) args+=("$a") ;; esac; done
    [[ ${args[0]:-} == install ]] || { echo "dnf stand-in: unsupported: ${args[*]}" >&2; exit 1; }
    ((yes)) || { echo "dnf stand-in: would prompt (no -y)" >&2; exit 1; }
    install_pkgs "${args[@]:1}" ;;
  dpkg-query)
    p=${!#}
    if has installed "$p"; then printf 'install ok installed'; else echo "dpkg-query: no packages found matching $p" >&2; exit 1; fi ;;
  rpm)
    p=${!#}
    has installed "$p" || { [[ " $* " == *" --quiet "* ]] || echo "no package provides $p"; exit 1; } ;;
  systemctl)
    unit=${!#}
    case $1 in
      is-enabled) if has enabled "$unit"; then echo enabled; else echo disabled; exit 1; fi ;;
      is-active) if has active "$unit"; then [[ $2 == --quiet ]] || echo active; else [[ $2 == --quiet ]] || echo inactive; exit 3; fi ;;
      enable)
        add enabled "$unit"
        if [[ $2 == --now ]]; then add active "$unit"; fi ;;
      start) add active "$unit" ;;
      *) echo "systemctl stand-in: unsupported: $*" >&2; exit 1 ;;
    esac ;;
  chpasswd)
    input=$(cat)
    printf '%s\n' "$input" >>"$S/chpasswd.stdin"
    user=${input%%:*} pw=${input#*:}
    # shellcheck disable=SC2016
    hash=$(printf '%s' "$pw" | python3 -c '
import ctypes, ctypes.util, os, sys
lib = ctypes.CDLL(ctypes.util.find_library("crypt") or "libcrypt.so.1")
lib.crypt.restype = ctypes.c_char_p
lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
abc = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
salt = bytes(abc[b % 64] for b in os.urandom(16))
sys.stdout.write(lib.crypt(sys.stdin.buffer.read(), b"$6$" + salt + b"$").decode())')
    awk -F: -v OFS=: -v u="$user" -v h="$hash" '$1 == u { $2 = h } { print }' "$R/etc/shadow" >"$R/etc/shadow.new"
    mv "$R/etc/shadow.new" "$R/etc/shadow" ;;
  timedatectl)
    [[ $1 == set-timezone ]] || { echo "timedatectl stand-in: unsupported: $*" >&2; exit 1; }
    ln -sfn "../usr/share/zoneinfo/$2" "$R/etc/localtime" ;;
  localectl)
    [[ $1 == set-locale ]] || { echo "localectl stand-in: unsupported: $*" >&2; exit 1; }
    printf '%s\n' "$2" >"$R/etc/locale.conf" ;;
  update-locale)
    printf '%s\n' "$1" >"$R/etc/default/locale" ;;
  locale-gen)
    if (($#)); then
      for l in "$@"; do add locales "$(norm_locale "$l")"; done
    else
      while read -r l _; do
        if [[ -n $l && $l != \#* ]]; then add locales "$(norm_locale "$l")"; fi
      done <"$R/etc/locale.gen"
    fi ;;
  locale)
    [[ $1 == -a ]] || exit 1
    printf 'C\nC.utf8\nPOSIX\n'
    [[ ! -f $S/locales ]] || cat "$S/locales"
    [[ -f $S/installed ]] || exit 0
    while read -r p; do
      if [[ $p == glibc-langpack-* ]]; then l=${p#glibc-langpack-}; printf '%s_%s.utf8\n' "$l" "${l^^}"; fi
    done <"$S/installed" ;;
  cloud-init)
    [[ -e $S/cloud-init-hang ]] && exec sleep 30
    [[ -e $S/cloud-init-rc ]] && exit "$(<"$S/cloud-init-rc")"
    exit 0 ;;
  mkswap) [[ -f $1 ]] || exit 1 ;;
  swapon) printf '%s file %s 0 -2\n' "${1#"$R"}" "$(($(stat -c %s "$1") / 1024))" >>"$R/proc/swaps" ;;
  swapoff) grep -vF -- "${1#"$R"} " "$R/proc/swaps" >"$S/swaps.new"; cat "$S/swaps.new" >"$R/proc/swaps" ;;
  *)
    real=$(command -v -- "$name") || { echo "stand-in: no real $name" >&2; exit 127; }
    PATH=$orig_path
    exec "$real" "$@" ;;
esac
