# shellcheck shell=bash
# pveq OS init: the Debian/Ubuntu family (apt, dpkg). Bundled into debian_*.sh and ubuntu_*.sh.
# pveq:include lib/common.sh

pveq_family_init() {
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l
  PVEQ_LOCK_FILES=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)
  PVEQ_APT_UPDATED=0
}

# Debian policy: lower case letters, digits, + - . ; at least two characters, starting alphanumeric.
pveq_family_valid_package_name() {
  [[ $1 =~ ^[a-z0-9][a-z0-9+.-]+$ ]]
}

pveq_family_is_installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == *" installed" ]]
}

pveq_apt_get() {
  pveq_pkg_run apt-get -y -q -o "DPkg::Lock::Timeout=$PVEQ_OPT_LOCK_TIMEOUT" \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

pveq_apt_update() {
  pveq_apt_get update
  PVEQ_APT_UPDATED=1
}

pveq_family_install() {
  ((PVEQ_APT_UPDATED == 1)) || pveq_apt_update
  pveq_apt_get install "$@"
}

pveq_family_refresh_if_needed() {
  if ((PVEQ_MIRROR_CHANGED == 1 && PVEQ_APT_UPDATED == 0)); then
    pveq_apt_update
  fi
}

# The official main archive URIs a --mirror replaces (security archives are left alone); the
# pattern has exactly one group.
pveq_apt_archive_pattern() {
  case $PVEQ_OS_ID in
    debian) printf '%s' 'https?://(deb\.|ftp\.|httpredir\.|cdn-aws\.deb\.|ftp\.[a-z]{2}\.)?debian\.org/debian/?' ;;
    ubuntu) printf '%s' 'https?://([a-z0-9-]+\.)*archive\.ubuntu\.com/ubuntu/?' ;;
  esac
}

pveq_family_apply_mirror() {
  local mirror=$1 pattern file found=0 text
  pattern=$(pveq_apt_archive_pattern)
  for file in "$PVEQ_ROOT/etc/apt/sources.list" "$PVEQ_ROOT"/etc/apt/sources.list.d/*.list \
    "$PVEQ_ROOT"/etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    text=$(sed -E "s#$pattern([[:space:]]|\$)#$mirror\\2#g" "$(pveq_original "$file")" && printf x)
    text=${text%x}
    [[ $text == *"$mirror"* ]] && found=1
    if pveq_write_if_changed "$file" "$text"; then
      pveq_log "rewrote ${file#"$PVEQ_ROOT"}"
      PVEQ_MIRROR_CHANGED=1
    fi
  done
  ((found == 1)) || pveq_die 1 "$PVEQ_SRC_MIRROR: no source in /etc/apt uses the official $PVEQ_OS_ID archive, so there is nothing to point at $mirror"
}

# /usr/share/i18n/SUPPORTED lists what locale-gen can build; before the locales package is
# installed it may be missing, and then the syntax check has to do.
pveq_family_validate_locale() {
  local supported=$PVEQ_ROOT/usr/share/i18n/SUPPORTED
  [[ $1 == C.* || ! -f $supported ]] && return 0
  awk -v want="$1" '$1 == want { found = 1 } END { exit !found }' "$supported"
}

pveq_family_locale_packages() {
  [[ $1 != C.* ]] || return 0
  pveq_family_is_installed locales || printf '%s\n' locales
}

pveq_family_generate_locale() {
  local want=$1 gen=$PVEQ_ROOT/etc/locale.gen charset text
  if [[ $PVEQ_OS_ID == ubuntu ]]; then
    pveq_run locale-gen "$want"
    return 0
  fi
  charset=$(awk -v want="$want" '$1 == want { print $2; exit }' "$PVEQ_ROOT/usr/share/i18n/SUPPORTED" 2>/dev/null) || true
  [[ -n $charset ]] || charset=${want#*.}
  if [[ -f $gen ]]; then
    text=$(awk -v want="$want" -v line="$want $charset" '
      !done && $0 ~ /^#[[:space:]]*/ { s = $0; sub(/^#[[:space:]]*/, "", s); split(s, f, /[[:space:]]+/)
        if (f[1] == want) { print line; done = 1; next } }
      { split($0, f, /[[:space:]]+/); if (f[1] == want) done = 1; print }
      END { if (!done) print line }' "$gen" && printf x)
    text=${text%x}
  else
    text="$want $charset"$'\n'
  fi
  pveq_write_if_changed "$gen" "$text" || true
  pveq_run locale-gen
}

pveq_family_current_lang() {
  local file=$PVEQ_ROOT/etc/default/locale value
  [[ -f $file ]] || return 0
  value=$(sed -n 's/^LANG=//p' "$file" | tail -n 1)
  value=${value#[\"\']}
  printf '%s' "${value%[\"\']}"
}

pveq_family_set_lang() {
  pveq_run update-locale "LANG=$1"
}
