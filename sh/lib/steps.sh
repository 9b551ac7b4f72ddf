# shellcheck shell=bash
# pveq OS init: the steps, in the order pveq_main (common.sh) runs them. Each step checks first
# and changes only what differs, so a second run changes nothing. Functions only.

pveq_wait_for_cloud_init() {
  pveq_step "waiting for cloud-init"
  if ! command -v cloud-init >/dev/null 2>&1; then
    pveq_log "cloud-init is not installed; nothing to wait for"
    return 0
  fi
  local rc=0
  timeout "$PVEQ_OPT_CLOUD_INIT_TIMEOUT" cloud-init status --wait >/dev/null || rc=$?
  case $rc in
    0) pveq_log "cloud-init has finished" ;;
    124) pveq_die 4 "cloud-init still running after $PVEQ_OPT_CLOUD_INIT_TIMEOUT s ($PVEQ_SRC_CLOUD_INIT_TIMEOUT)" ;;
    *) pveq_warn "cloud-init finished with errors (status exit $rc); continuing" ;;
  esac
}

# Prints "FILE (pid N)" for the first package-manager lock that is held; returns 1 if none is.
# fcntl locks show in /proc/locks by device and inode, printed as MAJOR:MINOR:INODE (hex, hex, decimal).
pveq_lock_holder() {
  local file pid dev ino id wanted=() existing=()
  if [[ -r $PVEQ_ROOT/proc/locks ]]; then
    for file in "${PVEQ_LOCK_FILES[@]}"; do
      if [[ -e $PVEQ_ROOT$file ]]; then existing+=("$PVEQ_ROOT$file"); fi
    done
  fi
  if ((${#existing[@]} > 0)); then
    while read -r dev ino file; do
      printf -v id '%02x:%02x:%s' $(((dev >> 8) & 0xfff)) $(((dev & 0xff) | ((dev >> 12) & 0xfff00))) "$ino"
      wanted+=("$id=${file#"$PVEQ_ROOT"}")
    done <<<"$(stat -L -c '%d %i %n' -- "${existing[@]}")"
    awk -v wanted="${wanted[*]}" '
      BEGIN { n = split(wanted, list, " "); for (i = 1; i <= n; i++) { split(list[i], kv, "="); file[kv[1]] = kv[2] } }
      { for (i = 2; i <= NF; i++) if ($i in file) { printf "%s (pid %s)", file[$i], $(i - 1); found = 1; exit } }
      END { exit !found }' "$PVEQ_ROOT/proc/locks" && return 0
  fi
  for file in "${PVEQ_LOCK_PID_FILES[@]}"; do
    [[ -f $PVEQ_ROOT$file ]] || continue
    pid=$(<"$PVEQ_ROOT$file")
    pid=${pid//[!0-9]/}
    if [[ -n $pid && -d $PVEQ_ROOT/proc/$pid ]]; then
      printf '%s (pid %s)' "$file" "$pid"
      return 0
    fi
  done
  return 1
}

# Waits politely (never kills anything) until no package-manager lock is held.
pveq_wait_for_locks() {
  local deadline=$((SECONDS + PVEQ_OPT_LOCK_TIMEOUT)) holder next_note=0
  while holder=$(pveq_lock_holder); do
    # the note comes first: a short timeout can run out during the first look at the locks
    if ((SECONDS >= next_note)); then
      pveq_log "waiting for another package manager to finish: lock $holder"
      next_note=$((SECONDS + 30))
    fi
    ((SECONDS < deadline)) ||
      pveq_die 4 "package manager still busy after $PVEQ_OPT_LOCK_TIMEOUT s ($PVEQ_SRC_LOCK_TIMEOUT): lock $holder"
    sleep 1
  done
}

# pveq_pkg_run CMD...: runs a package-manager command once no lock is held, and again if it
# failed because another package manager took the lock in the meantime.
pveq_pkg_run() {
  local rc attempt
  for attempt in 1 2 3; do
    pveq_wait_for_locks
    pveq_log "run: $*"
    rc=0
    "$@" || rc=$?
    ((rc != 0)) || return 0
    pveq_lock_holder >/dev/null || break
    pveq_log "another package manager took the lock (attempt $attempt); waiting to retry"
  done
  pveq_die 1 "step \"$PVEQ_STEP\": command failed (exit $rc): $*"
}

pveq_apply_mirror() {
  pveq_step "package mirror"
  if [[ -z $PVEQ_OPT_MIRROR ]]; then
    pveq_log "no mirror requested; package sources left as they are"
    return 0
  fi
  pveq_family_apply_mirror "$PVEQ_OPT_MIRROR"
  if ((PVEQ_MIRROR_CHANGED == 1)); then
    pveq_changed "package sources now use $PVEQ_OPT_MIRROR"
  else
    pveq_log "package sources already use $PVEQ_OPT_MIRROR"
  fi
}

pveq_install_packages() {
  pveq_step "installing packages"
  local wanted=(qemu-guest-agent) missing=() pkg
  if [[ -n $PVEQ_OPT_LOCALE ]]; then
    while read -r pkg; do [[ -z $pkg ]] || wanted+=("$pkg"); done <<<"$(pveq_family_locale_packages "$PVEQ_OPT_LOCALE")"
  fi
  wanted+=("${PVEQ_EXTRA_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    pveq_family_is_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    pveq_log "already installed: ${wanted[*]}"
    pveq_family_refresh_if_needed
    return 0
  fi
  pveq_family_install "${missing[@]}"
  for pkg in "${missing[@]}"; do
    pveq_family_is_installed "$pkg" || pveq_die 1 "package $pkg is still not installed after installing it"
  done
  pveq_changed "installed ${missing[*]}"
}

pveq_enable_guest_agent() {
  pveq_step "enabling qemu-guest-agent"
  local unit=qemu-guest-agent enabled active=inactive
  enabled=$(systemctl is-enabled "$unit" 2>/dev/null) || true
  if systemctl is-active --quiet "$unit"; then active=active; fi
  case $enabled in
    enabled | enabled-runtime | static | indirect | alias) enabled=yes ;;
  esac
  if [[ $enabled == yes && $active == active ]]; then
    pveq_log "$unit is already enabled and running"
  elif [[ -e $PVEQ_ROOT/dev/virtio-ports/org.qemu.guest_agent.0 ]]; then
    pveq_run systemctl enable --now "$unit"
    pveq_changed "$unit enabled and started"
  elif [[ $enabled != yes ]]; then
    pveq_run systemctl enable "$unit"
    pveq_changed "$unit enabled"
    pveq_warn "the VM has no QEMU guest agent channel yet (enable the agent option of the VM); $unit starts once it has"
  else
    pveq_warn "the VM has no QEMU guest agent channel yet (enable the agent option of the VM); $unit starts once it has"
  fi
}

pveq_apply_timezone() {
  pveq_step "time zone"
  local want=$PVEQ_OPT_TIMEZONE current=
  if [[ -z $want ]]; then
    pveq_log "no time zone requested; left as it is"
    return 0
  fi
  if [[ -L $PVEQ_ROOT/etc/localtime ]]; then
    current=$(readlink -- "$PVEQ_ROOT/etc/localtime")
    [[ $current == */zoneinfo/* ]] && current=${current#*/zoneinfo/} || current=
  fi
  if [[ $current == "$want" ]]; then
    pveq_log "time zone is already $want"
    return 0
  fi
  pveq_run timedatectl set-timezone "$want"
  pveq_changed "time zone set to $want (was ${current:-unknown})"
}

# pveq_locale_available NAME: true when `locale -a` lists NAME (codeset compared the glibc way).
pveq_locale_available() {
  local want=$1 norm line
  norm=${want%%.*}
  if [[ $want == *.* ]]; then
    line=${want#*.}
    line=${line%%@*}
    line=${line//-/}
    norm+=.${line,,}
  fi
  [[ $want == *@* ]] && norm+=@${want#*@}
  while read -r line; do
    [[ $line == "$want" || $line == "$norm" ]] && return 0
  done <<<"$(locale -a 2>/dev/null)"
  return 1
}

pveq_apply_locale() {
  pveq_step "locale"
  local want=$PVEQ_OPT_LOCALE current
  if [[ -z $want ]]; then
    pveq_log "no locale requested; left as it is"
    return 0
  fi
  if ! pveq_locale_available "$want"; then
    pveq_family_generate_locale "$want"
    pveq_locale_available "$want" || pveq_die 1 "$PVEQ_SRC_LOCALE: locale $want is still not available after installing and generating it"
    pveq_changed "generated locale $want"
  fi
  current=$(pveq_family_current_lang)
  if [[ $current == "$want" ]]; then
    pveq_log "system locale is already $want"
    return 0
  fi
  pveq_family_set_lang "$want"
  pveq_changed "system locale set to $want (was ${current:-unset})"
}

pveq_apply_swap() {
  pveq_step "swap"
  local file=$PVEQ_ROOT/swapfile bytes active=0 fstab=$PVEQ_ROOT/etc/fstab
  if [[ -z $PVEQ_OPT_SWAP_SIZE ]]; then
    pveq_log "no swap requested; left as it is"
    return 0
  fi
  bytes=$((PVEQ_SWAP_MIB * 1024 * 1024))
  if [[ -r $PVEQ_ROOT/proc/swaps ]] && awk '$1 == "/swapfile" { found = 1 } END { exit !found }' "$PVEQ_ROOT/proc/swaps"; then
    active=1
  fi
  if [[ -e $file && ! -f $file ]]; then
    pveq_die 1 "/swapfile exists and is not a regular file; remove it or leave out $PVEQ_SRC_SWAP_SIZE"
  fi
  if [[ -f $file && $(stat -c %s -- "$file") != "$bytes" ]]; then
    if ((active == 1)); then
      pveq_run swapoff "$file"
      active=0
    fi
    pveq_run rm -f -- "$file"
    pveq_changed "removed /swapfile of another size"
  fi
  if [[ ! -f $file ]]; then
    pveq_log "writing /swapfile ($PVEQ_OPT_SWAP_SIZE)"
    rm -f -- "$file.pveq-tmp"
    if ! dd if=/dev/zero of="$file.pveq-tmp" bs=1M count="$PVEQ_SWAP_MIB" status=none; then
      rm -f -- "$file.pveq-tmp"
      pveq_die 1 "could not write /swapfile of $PVEQ_OPT_SWAP_SIZE (is the disk full?)"
    fi
    chmod 0600 -- "$file.pveq-tmp"
    pveq_run mkswap "$file.pveq-tmp"
    mv -f -- "$file.pveq-tmp" "$file"
    pveq_changed "created /swapfile ($PVEQ_OPT_SWAP_SIZE)"
  fi
  if ! awk '$1 == "/swapfile" && $3 == "swap" { found = 1 } END { exit !found }' "$fstab" 2>/dev/null; then
    PVEQ_TEXT=
    if [[ -f $fstab ]]; then pveq_read_exact "$fstab"; fi
    [[ -z $PVEQ_TEXT || $PVEQ_TEXT == *$'\n' ]] || PVEQ_TEXT+=$'\n'
    pveq_write_if_changed "$fstab" "${PVEQ_TEXT}/swapfile none swap sw 0 0"$'\n' || true
    pveq_changed "added /swapfile to /etc/fstab"
  fi
  if ((active == 0)); then
    pveq_run swapon "$file"
    pveq_changed "enabled /swapfile"
  else
    pveq_log "/swapfile is in use with the requested size"
  fi
}

# pveq_python: prints a Python 3 interpreter, if there is one (cloud images have one for cloud-init).
pveq_python() {
  local candidate
  for candidate in python3 /usr/libexec/platform-python; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# True when root's current password hash (from shadow) matches PVEQ_ROOT_PASSWORD. The hash and
# the password reach crypt(3) through a pipe, never a command line.
pveq_root_password_matches() {
  local hash python
  hash=$(awk -F: '$1 == "root" { print $2 }' "$PVEQ_ROOT/etc/shadow" 2>/dev/null) || return 1
  [[ $hash == \$* ]] || return 1
  python=$(pveq_python) || return 1
  printf '%s\n%s\n' "$hash" "$PVEQ_ROOT_PASSWORD" | "$python" -c '
import ctypes, ctypes.util, hmac, sys
lines = sys.stdin.buffer.read().split(b"\n")
lib = ctypes.CDLL(ctypes.util.find_library("crypt") or "libcrypt.so.1")
lib.crypt.restype = ctypes.c_char_p
lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
out = lib.crypt(lines[1], lines[0])
sys.exit(0 if out and hmac.compare_digest(out, lines[0]) else 1)
' 2>/dev/null
}

pveq_apply_root_password() {
  pveq_step "root password"
  if [[ -z $PVEQ_ROOT_PASSWORD ]]; then
    pveq_log "no root password given; left as it is"
    return 0
  fi
  if pveq_root_password_matches; then
    pveq_log "root already has the given password"
  else
    pveq_log "run: chpasswd (password on standard input)"
    printf 'root:%s\n' "$PVEQ_ROOT_PASSWORD" | chpasswd ||
      pveq_die 1 "step \"$PVEQ_STEP\": chpasswd failed"
    pveq_changed "root password set"
  fi
  PVEQ_ROOT_PASSWORD=
}
