# shellcheck shell=bash
# pveq OS init: the Rocky Linux family (dnf, rpm). Bundled into rockylinux_*.sh.
# pveq:include lib/common.sh

pveq_family_init() {
  PVEQ_LOCK_FILES=(/var/lib/rpm/.rpm.lock)
  PVEQ_LOCK_PID_FILES=(/var/lib/dnf/rpmdb_lock.pid /var/cache/dnf/metadata_lock.pid /run/dnf.pid)
}

# RPM names: letters, digits and . _ + - ; not starting with a dash or dot.
pveq_family_valid_package_name() {
  [[ $1 =~ ^[A-Za-z0-9_+][A-Za-z0-9._+-]*$ ]]
}

# A name or a capability (rpm -q --whatprovides), like dnf install accepts.
pveq_family_is_installed() {
  rpm -q --quiet --whatprovides "$1" >/dev/null 2>&1
}

pveq_family_install() {
  pveq_pkg_run dnf -y -q install "$@"
}

pveq_family_refresh_if_needed() {
  return 0
}

# Official repositories carry a mirrorlist on mirrors.rockylinux.org and a (commented) baseurl on
# dl.rockylinux.org/$contentdir; a --mirror comments out the first and points the second at it.
pveq_family_apply_mirror() {
  local mirror=$1 file found=0 text
  for file in "$PVEQ_ROOT"/etc/yum.repos.d/*.repo; do
    [[ -f $file ]] || continue
    text=$(sed -E -e 's#^(mirrorlist=https?://mirrors\.rockylinux\.org/)#\#\1#' \
      -e "s#^\\#?baseurl=https?://dl\\.rockylinux\\.org/\\\$contentdir/#baseurl=$mirror/#" \
      "$(pveq_original "$file")" && printf x)
    text=${text%x}
    [[ $text == *"baseurl=$mirror/"* ]] && found=1
    if pveq_write_if_changed "$file" "$text"; then
      pveq_log "rewrote ${file#"$PVEQ_ROOT"}"
      PVEQ_MIRROR_CHANGED=1
    fi
  done
  ((found == 1)) || pveq_die 1 "$PVEQ_SRC_MIRROR: no repository in /etc/yum.repos.d uses the official Rocky Linux servers, so there is nothing to point at $mirror"
}

# glibc has no list of supported names here; dnf finds out when it looks for the language pack.
pveq_family_validate_locale() {
  return 0
}

pveq_family_locale_packages() {
  local want=$1
  [[ $want == C.* ]] && return 0
  pveq_locale_available "$want" || printf 'glibc-langpack-%s\n' "${want%%_*}"
}

# Nothing to build: the language pack installed with the packages holds the compiled locale.
pveq_family_generate_locale() {
  pveq_log "glibc-langpack-${1%%_*} is installed; no locale to generate"
}

pveq_family_current_lang() {
  local file=$PVEQ_ROOT/etc/locale.conf value
  [[ -f $file ]] || return 0
  value=$(sed -n 's/^LANG=//p' "$file" | tail -n 1)
  value=${value#[\"\']}
  printf '%s' "${value%[\"\']}"
}

pveq_family_set_lang() {
  pveq_run localectl set-locale "LANG=$1"
}
