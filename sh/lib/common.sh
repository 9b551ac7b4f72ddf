# shellcheck shell=bash
# pveq OS init: logic shared by every family. Bundled into each sh/<os>_<version>.sh (see
# sh/bundle.sh); it only defines functions. A family file (apt-family.sh, dnf-family.sh) supplies
# the pveq_family_* functions, and the OS file calls: pveq_main <os-release ID> <version> "$@".
# Interface and exit codes: sh/README.md. The steps themselves are in steps.sh.
# pveq:include lib/steps.sh

pveq_log() { printf '[pveq] %s\n' "$*"; }
pveq_warn() { printf '[pveq] WARNING: %s\n' "$*" >&2; }

# pveq_die CODE MESSAGE: 1 step failed, 2 bad argument, 3 unmet precondition, 4 timed out.
pveq_die() {
  local code=$1
  shift
  printf '[pveq] ERROR: %s\n' "$*" >&2
  exit "$code"
}

pveq_on_error() {
  local rc=$1
  if ((BASH_SUBSHELL == 0)); then
    printf '[pveq] ERROR: step "%s" failed (exit %s)\n' "$PVEQ_STEP" "$rc" >&2
  fi
  exit 1
}

pveq_step() {
  PVEQ_STEP=$1
  pveq_log "step: $1"
}

# Records that the current step changed the system.
pveq_changed() {
  PVEQ_CHANGES+=("$PVEQ_STEP")
  pveq_log "changed: $*"
}

# Runs a command that changes the system; never given a secret on its command line.
pveq_run() {
  pveq_log "run: $*"
  local rc=0
  "$@" || rc=$?
  ((rc == 0)) || pveq_die 1 "step \"$PVEQ_STEP\": command failed (exit $rc): $*"
}

# pveq_read_exact PATH: sets PVEQ_TEXT to the file's exact content (trailing newlines kept).
pveq_read_exact() {
  PVEQ_TEXT=$(cat -- "$1" && printf x) || pveq_die 1 "step \"$PVEQ_STEP\": cannot read ${1#"$PVEQ_ROOT"}"
  PVEQ_TEXT=${PVEQ_TEXT%x}
}

# pveq_write_if_changed PATH TEXT: replaces PATH (keeping its mode) when TEXT differs from its
# content, saving the first original under /var/lib/pveq/orig; returns 1 when nothing changed.
# Callers test the result, which turns off errexit in here: hence the explicit checks.
pveq_write_if_changed() {
  local target=$1 text=$2 orig tmp fail
  fail="step \"$PVEQ_STEP\": cannot write ${target#"$PVEQ_ROOT"}"
  if [[ -e $target ]]; then
    pveq_read_exact "$target"
    [[ $PVEQ_TEXT != "$text" ]] || return 1
    orig=$PVEQ_ROOT/var/lib/pveq/orig${target#"$PVEQ_ROOT"}
    if [[ ! -e $orig ]]; then
      mkdir -p -- "${orig%/*}" || pveq_die 1 "$fail (saving the original)"
      cp -p -- "$target" "$orig" || pveq_die 1 "$fail (saving the original)"
    fi
  fi
  tmp=$target.pveq-tmp
  printf '%s' "$text" >"$tmp" || pveq_die 1 "$fail"
  if [[ -e $target ]]; then
    chmod --reference="$target" -- "$tmp" || pveq_die 1 "$fail"
  else
    chmod 0644 -- "$tmp" || pveq_die 1 "$fail"
  fi
  mv -f -- "$tmp" "$target" || pveq_die 1 "$fail"
}

# pveq_original PATH: prints the path of the content pveq first found at PATH.
pveq_original() {
  local orig=$PVEQ_ROOT/var/lib/pveq/orig${1#"$PVEQ_ROOT"}
  if [[ -e $orig ]]; then printf '%s' "$orig"; else printf '%s' "$1"; fi
}

pveq_usage() {
  cat <<'USAGE'
Usage: <os>_<version>.sh [options]   (run as root, inside the VM)
  --timezone ZONE            e.g. Europe/Berlin; must exist under /usr/share/zoneinfo
  --locale NAME              e.g. en_US.UTF-8; generated if needed and made the system LANG
  --mirror URL               http(s) base URL of the distribution's main package archive
  --packages "A B"           extra packages to install
  --swap-size SIZE           create /swapfile of SIZE (e.g. 512M, 2G) and enable it
  --root-password-file PATH  set root's password from PATH (regular file, owned by root, mode 0600/0400)
  --root-password-stdin      set root's password from standard input (one line)
  --lock-timeout SECONDS     how long to wait for another package manager (default 600)
  --cloud-init-timeout SECONDS  how long to wait for cloud-init to finish (default 1800)
Environment: PVEQ_TIMEZONE, PVEQ_LOCALE, PVEQ_MIRROR, PVEQ_PACKAGES, PVEQ_SWAP_SIZE,
  PVEQ_ROOT_PASSWORD_FILE, PVEQ_LOCK_TIMEOUT, PVEQ_CLOUD_INIT_TIMEOUT (an argument wins).
Exit: 0 done, 1 a step failed, 2 bad argument, 3 unmet precondition, 4 timed out waiting.
USAGE
}

# Sets PVEQ_OPT_<NAME> and PVEQ_SRC_<NAME> (the argument or variable it came from).
pveq_parse_args() {
  local name value
  PVEQ_OPT_TIMEZONE=${PVEQ_TIMEZONE:-} PVEQ_SRC_TIMEZONE=PVEQ_TIMEZONE
  PVEQ_OPT_LOCALE=${PVEQ_LOCALE:-} PVEQ_SRC_LOCALE=PVEQ_LOCALE
  PVEQ_OPT_MIRROR=${PVEQ_MIRROR:-} PVEQ_SRC_MIRROR=PVEQ_MIRROR
  PVEQ_OPT_PACKAGES=${PVEQ_PACKAGES:-} PVEQ_SRC_PACKAGES=PVEQ_PACKAGES
  PVEQ_OPT_SWAP_SIZE=${PVEQ_SWAP_SIZE:-} PVEQ_SRC_SWAP_SIZE=PVEQ_SWAP_SIZE
  PVEQ_OPT_PASSWORD_FILE=${PVEQ_ROOT_PASSWORD_FILE:-} PVEQ_SRC_PASSWORD_FILE=PVEQ_ROOT_PASSWORD_FILE
  PVEQ_OPT_PASSWORD_STDIN=0
  PVEQ_OPT_LOCK_TIMEOUT=${PVEQ_LOCK_TIMEOUT:-600} PVEQ_SRC_LOCK_TIMEOUT=PVEQ_LOCK_TIMEOUT
  PVEQ_OPT_CLOUD_INIT_TIMEOUT=${PVEQ_CLOUD_INIT_TIMEOUT:-1800} PVEQ_SRC_CLOUD_INIT_TIMEOUT=PVEQ_CLOUD_INIT_TIMEOUT
  while (($# > 0)); do
    name=$1
    value=
    case $name in
      --root-password-stdin=* | --help=*) pveq_die 2 "${name%%=*} takes no value" ;;
      --*=*)
        value=${name#*=}
        name=${name%%=*}
        shift
        ;;
      --root-password-stdin) shift ;;
      --*)
        (($# >= 2)) || pveq_die 2 "$name needs a value"
        value=$2
        shift 2
        ;;
      *) pveq_die 2 "unexpected argument: $name (see --help)" ;;
    esac
    case $name in
      --timezone) PVEQ_OPT_TIMEZONE=$value PVEQ_SRC_TIMEZONE=$name ;;
      --locale) PVEQ_OPT_LOCALE=$value PVEQ_SRC_LOCALE=$name ;;
      --mirror) PVEQ_OPT_MIRROR=$value PVEQ_SRC_MIRROR=$name ;;
      --packages) PVEQ_OPT_PACKAGES=$value PVEQ_SRC_PACKAGES=$name ;;
      --swap-size) PVEQ_OPT_SWAP_SIZE=$value PVEQ_SRC_SWAP_SIZE=$name ;;
      --root-password-file) PVEQ_OPT_PASSWORD_FILE=$value PVEQ_SRC_PASSWORD_FILE=$name ;;
      --root-password-stdin) PVEQ_OPT_PASSWORD_STDIN=1 ;;
      --lock-timeout) PVEQ_OPT_LOCK_TIMEOUT=$value PVEQ_SRC_LOCK_TIMEOUT=$name ;;
      --cloud-init-timeout) PVEQ_OPT_CLOUD_INIT_TIMEOUT=$value PVEQ_SRC_CLOUD_INIT_TIMEOUT=$name ;;
      *) pveq_die 2 "unknown argument: $name (see --help)" ;;
    esac
  done
}

pveq_resolve_root() {
  PVEQ_ROOT=${PVEQ_ROOT:-}
  while [[ $PVEQ_ROOT == */ ]]; do PVEQ_ROOT=${PVEQ_ROOT%/}; done
  if [[ -n $PVEQ_ROOT ]]; then
    [[ $PVEQ_ROOT == /* && -d $PVEQ_ROOT ]] || pveq_die 3 "PVEQ_ROOT must be an absolute path to a directory: $PVEQ_ROOT"
  elif ((EUID != 0)); then
    pveq_die 3 "must run as root (try: sudo bash $0 ...)"
  fi
}

pveq_validate_args() {
  local value pkg
  [[ $PVEQ_OPT_LOCK_TIMEOUT =~ ^[1-9][0-9]{0,5}$ ]] ||
    pveq_die 2 "$PVEQ_SRC_LOCK_TIMEOUT: expected whole seconds (1-999999), got '$PVEQ_OPT_LOCK_TIMEOUT'"
  [[ $PVEQ_OPT_CLOUD_INIT_TIMEOUT =~ ^[1-9][0-9]{0,5}$ ]] ||
    pveq_die 2 "$PVEQ_SRC_CLOUD_INIT_TIMEOUT: expected whole seconds (1-999999), got '$PVEQ_OPT_CLOUD_INIT_TIMEOUT'"
  value=$PVEQ_OPT_TIMEZONE
  if [[ -n $value ]]; then
    [[ $value =~ ^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$ && -f $PVEQ_ROOT/usr/share/zoneinfo/$value ]] ||
      pveq_die 2 "$PVEQ_SRC_TIMEZONE: unknown time zone '$value' (not found under /usr/share/zoneinfo)"
  fi
  value=$PVEQ_OPT_LOCALE
  if [[ -n $value ]]; then
    [[ $value =~ ^([a-z]{2,3}_[A-Z]{2}(\.[A-Za-z0-9-]+)?(@[a-z]+)?|C\.UTF-8|C\.utf8)$ ]] ||
      pveq_die 2 "$PVEQ_SRC_LOCALE: expected a locale like en_US.UTF-8, got '$value'"
    pveq_family_validate_locale "$value" ||
      pveq_die 2 "$PVEQ_SRC_LOCALE: locale '$value' is not supported by this system"
  fi
  value=$PVEQ_OPT_MIRROR
  if [[ -n $value ]]; then
    [[ $value =~ ^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+/-]*)?$ ]] ||
      pveq_die 2 "$PVEQ_SRC_MIRROR: expected an http(s) URL like https://mirror.example/debian, got '$value'"
    while [[ $value == */ ]]; do value=${value%/}; done
    PVEQ_OPT_MIRROR=$value
  fi
  read -r -a PVEQ_EXTRA_PACKAGES <<<"$PVEQ_OPT_PACKAGES"
  for pkg in "${PVEQ_EXTRA_PACKAGES[@]}"; do
    pveq_family_valid_package_name "$pkg" ||
      pveq_die 2 "$PVEQ_SRC_PACKAGES: not a valid package name: '$pkg'"
  done
  value=$PVEQ_OPT_SWAP_SIZE
  if [[ -n $value ]]; then
    [[ $value =~ ^([1-9][0-9]{0,6})([MG])$ ]] ||
      pveq_die 2 "$PVEQ_SRC_SWAP_SIZE: expected a size like 512M or 2G, got '$value'"
    PVEQ_SWAP_MIB=${BASH_REMATCH[1]}
    [[ ${BASH_REMATCH[2]} == G ]] && PVEQ_SWAP_MIB=$((PVEQ_SWAP_MIB * 1024))
    ((PVEQ_SWAP_MIB >= 16 && PVEQ_SWAP_MIB <= 1048576)) ||
      pveq_die 2 "$PVEQ_SRC_SWAP_SIZE: size must be between 16M and 1024G, got '$value'"
  fi
  pveq_read_root_password
}

# Reads the root password (never from argv) into PVEQ_ROOT_PASSWORD; empty means "leave it".
pveq_read_root_password() {
  local file=$PVEQ_OPT_PASSWORD_FILE src=$PVEQ_SRC_PASSWORD_FILE meta
  PVEQ_ROOT_PASSWORD=
  if [[ -n $file ]]; then
    ((PVEQ_OPT_PASSWORD_STDIN == 0)) ||
      pveq_die 2 "--root-password-stdin: give either it or $src, not both"
    [[ $file == /* ]] || pveq_die 2 "$src: expected an absolute path, got '$file'"
    file=$PVEQ_ROOT$file
    [[ -f $file && ! -L $file ]] || pveq_die 2 "$src: not a regular file: $PVEQ_OPT_PASSWORD_FILE"
    meta=$(stat -c '%u %a' -- "$file")
    [[ ${meta%% *} == "$EUID" ]] || pveq_die 2 "$src: the file must be owned by the user running this script (root)"
    (((8#${meta#* } & 8#077) == 0)) || pveq_die 2 "$src: the file must not be readable by group or others (chmod 600)"
    PVEQ_ROOT_PASSWORD=$(<"$file")
    src="$src $PVEQ_OPT_PASSWORD_FILE"
  elif ((PVEQ_OPT_PASSWORD_STDIN == 1)); then
    # With "bash -s" the rest of standard input is this script's own text.
    [[ ${BASH_SOURCE[0]} != main ]] ||
      pveq_die 2 "--root-password-stdin: standard input carries this script (bash -s); run the script from a file or with bash -c, or use --root-password-file"
    IFS= read -r -d '' PVEQ_ROOT_PASSWORD || true
    PVEQ_ROOT_PASSWORD=${PVEQ_ROOT_PASSWORD%$'\n'}
    src=--root-password-stdin
  else
    return 0
  fi
  PVEQ_ROOT_PASSWORD=${PVEQ_ROOT_PASSWORD%$'\r'}
  [[ -n $PVEQ_ROOT_PASSWORD ]] || pveq_die 2 "$src: the password is empty"
  [[ $PVEQ_ROOT_PASSWORD != *[$'\n\r']* ]] || pveq_die 2 "$src: the password must be a single line"
  ((${#PVEQ_ROOT_PASSWORD} <= 1024)) || pveq_die 2 "$src: the password is longer than 1024 characters"
}

# Reads ID and VERSION_ID from os-release without executing it.
pveq_check_os() {
  local want_id=$1 want_version=$2 file=$PVEQ_ROOT/etc/os-release key value id='' version=''
  [[ -f $file ]] || file=$PVEQ_ROOT/usr/lib/os-release
  [[ -f $file ]] || pveq_die 3 "cannot identify the system: no /etc/os-release"
  while IFS='=' read -r key value; do
    value=${value#[\"\']}
    value=${value%[\"\']}
    case $key in
      ID) id=$value ;;
      VERSION_ID) version=$value ;;
    esac
  done <"$file"
  [[ $want_version == *.* ]] || version=${version%%.*}
  [[ $id == "$want_id" && $version == "$want_version" ]] ||
    pveq_die 3 "this script is for $want_id $want_version but the system is ${id:-unknown} ${version:-unknown}"
}

# pveq_main OS_ID VERSION ARGS...: the whole run; called by sh/<os>_<version>.sh.
pveq_main() {
  set -Eeuo pipefail
  { set +x; } 2>/dev/null
  umask 022
  local want_id=$1 want_version=$2
  shift 2
  PVEQ_OS_ID=$want_id
  PVEQ_STEP="checking arguments"
  PVEQ_CHANGES=()
  PVEQ_MIRROR_CHANGED=0
  PVEQ_LOCK_FILES=()
  PVEQ_LOCK_PID_FILES=()
  trap 'pveq_on_error $?' ERR
  local arg
  for arg in "$@"; do # before the root check: --help needs no privileges
    if [[ $arg == --help || $arg == -h ]]; then
      pveq_usage
      return 0
    fi
  done
  pveq_resolve_root
  pveq_parse_args "$@"
  pveq_family_init
  pveq_validate_args
  # Nothing below reads standard input (it may hold the rest of a "bash -s" script, after this
  # call, which is its last line).
  exec </dev/null
  pveq_check_os "$want_id" "$want_version"
  pveq_log "init for $PVEQ_OS_ID $want_version starting"
  pveq_wait_for_cloud_init
  pveq_apply_mirror
  pveq_install_packages
  pveq_enable_guest_agent
  pveq_apply_timezone
  pveq_apply_locale
  pveq_apply_swap
  pveq_apply_root_password
  PVEQ_STEP=finished
  if ((${#PVEQ_CHANGES[@]} == 0)); then
    pveq_log "finished: nothing to change"
  else
    pveq_log "finished: changed ${#PVEQ_CHANGES[@]} thing(s)"
  fi
}
