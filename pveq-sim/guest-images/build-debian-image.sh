#!/usr/bin/env bash
# Builds a bootable Debian cloud image from Debian's own packages, shaped like the official "generic"
# images (a partitioned disk with GRUB in the MBR gap, cloud-init with the NoCloud datasource,
# openssh-server, sudo, no SSH host keys and an empty machine-id until first boot), plus a partial
# package mirror holding what the pveq init scripts install on it. No loop device is used: the file
# system is made with `mkfs.ext4 -d`, the partition table with sfdisk, and GRUB's boot.img and
# core.img are written into the disk image directly.
#
# Usage: build-debian-image.sh 11|12|13 OUTPUT_FOLDER
# Writes into OUTPUT_FOLDER (created; must not exist or be empty):
#   debian-<v>-generic-amd64.qcow2   the image (compressed qcow2, 2 GiB virtual)
#   SHA512SUMS                       its checksum line, as cloud.debian.org publishes it
#   repo/debian/                     partial mirror of deb.debian.org/debian: the suite and -updates
#                                    indexes as Debian signed them, and the .deb files the init
#                                    script installs (qemu-guest-agent, locales) with what they need
#   recipe                           what was built from what
# Environment: PVEQ_DEBIAN_MIRROR (default http://deb.debian.org/debian), where packages come from.
# Needs root, debootstrap, sfdisk, mkfs.ext4 (e2fsprogs >= 1.43), qemu-img, curl.
set -euo pipefail

release=${1:-}
out=${2:-}
case $release in
  11) codename=bullseye ;;
  12) codename=bookworm ;;
  13) codename=trixie ;;
  *) echo "usage: $0 11|12|13 OUTPUT_FOLDER" >&2; exit 2 ;;
esac
[[ -n $out ]] || { echo "usage: $0 11|12|13 OUTPUT_FOLDER" >&2; exit 2; }
((EUID == 0)) || { echo "$0: must run as root (debootstrap and chroot)" >&2; exit 3; }
for tool in debootstrap sfdisk mkfs.ext4 qemu-img curl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install debootstrap fdisk e2fsprogs qemu-utils curl)" >&2; exit 3; }
done
mirror=${PVEQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mirror=${mirror%/}
name=debian-$release-generic-amd64.qcow2
disk_mib=2048
# What the init scripts install when missing (sh/lib/steps.sh): the agent, and locales for --locale;
# tree stands for a site's extra package (GUEST_PACKAGES) in the tests.
repo_packages=(qemu-guest-agent locales tree)
packages=(systemd-sysv udev dbus linux-image-amd64 grub-pc-bin cloud-init cloud-guest-utils openssh-server
  sudo python3 tzdata iproute2 ifupdown isc-dhcp-client netbase procps kmod e2fsprogs fdisk less)

mkdir -p "$out"
[[ -z $(ls -A "$out") ]] || { echo "$0: $out is not empty" >&2; exit 2; }
work=$(mktemp -d "$out/.build.XXXXXX")
root=$work/root
cleanup() {
  local m
  for m in "$root/proc" "$root/sys" "$root/dev/pts" "$root/dev"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf '[build-debian-image %s] %s\n' "$release" "$*"; }

log "debootstrap $codename from $mirror"
debootstrap --variant=minbase --components=main "$codename" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" "$root/debootstrap/debootstrap.log" >&2 2>/dev/null; exit 1; }

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# the guest sees the suite and -updates (through the partial mirror below); security stays out of reach
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $codename main
deb $mirror $codename-updates main
SOURCES
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
log "installing ${packages[*]}"
in_root apt-get update -qq >/dev/null
# the initramfs is made once, at the end, instead of at each kernel and trigger
in_root dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\nexit 0\n' >"$root/usr/sbin/update-initramfs"
chmod 755 "$root/usr/sbin/update-initramfs"
in_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >"$work/install.log" 2>&1 ||
  { tail -n 30 "$work/install.log" >&2; exit 1; }
rm -f "$root/usr/sbin/update-initramfs"
in_root dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs
in_root update-initramfs -c -k all >"$work/initramfs.log" 2>&1 || { tail -n 30 "$work/initramfs.log" >&2; exit 1; }
rm -f "$root/usr/sbin/policy-rc.d"

log "downloading the init script's packages and the indexes that list them"
repo=$out/repo/debian
mkdir -p "$repo"
in_root apt-get install -qq -y --print-uris "${repo_packages[@]}" | while read -r uri file size hash; do
  uri=${uri//\'/}
  path=${uri#"$mirror"/}
  [[ $path != "$uri" ]] || { echo "$0: $uri is not below $mirror" >&2; exit 1; }
  path=$(printf '%b' "${path//%/\\x}") # apt prints the URL-encoded pool path (%2b for +)
  mkdir -p "$repo/$(dirname "$path")"
  curl -fsS -o "$repo/$path" "$uri"
  [[ $(stat -c %s "$repo/$path") == "$size" ]] || { echo "$0: $file: wrong size" >&2; exit 1; }
  [[ $hash != SHA256:* ]] || [[ $(sha256sum "$repo/$path" | cut -d' ' -f1) == "${hash#SHA256:}" ]] ||
    { echo "$0: $file: wrong checksum" >&2; exit 1; }
done
for suite in "$codename" "$codename-updates"; do
  dir=$repo/dists/$suite
  mkdir -p "$dir"
  for f in InRelease Release Release.gpg; do
    curl -fsS -o "$dir/$f" "$mirror/dists/$suite/$f"
  done
  # the index files apt asks for (the first compression the Release file lists: xz, else bz2 or gz;
  # bullseye has its translations in bz2 only), also by hash as the Release file announces, checked
  # against the SHA256 of the signed Release file
  for base in main/binary-amd64/Packages main/i18n/Translation-en; do
    line=
    for ext in xz bz2 gz; do
      index=$base.$ext
      line=$(awk -v f="$index" '/^SHA256:/ { s = 1; next } /^[A-Za-z]/ { s = 0 } s && $3 == f { print $1; exit }' "$dir/Release")
      [[ -z $line ]] || break
    done
    [[ -n $line ]] || { echo "$0: $suite lists no compressed $base" >&2; exit 1; }
    mkdir -p "$dir/$(dirname "$index")/by-hash/SHA256"
    curl -fsS -o "$dir/$index" "$mirror/dists/$suite/$index"
    [[ $(sha256sum "$dir/$index" | cut -d' ' -f1) == "$line" ]] || { echo "$0: $suite $index: checksum differs" >&2; exit 1; }
    ln "$dir/$index" "$dir/$(dirname "$index")/by-hash/SHA256/$line"
  done
done

log "configuring the system"
case $release in
  11)
    cat >"$root/etc/apt/sources.list" <<SOURCES
deb http://deb.debian.org/debian bullseye main
deb http://security.debian.org/debian-security bullseye-security main
deb http://deb.debian.org/debian bullseye-updates main
SOURCES
    ;;
  *)
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    ;;
esac
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
uuid=$(cat /proc/sys/kernel/random/uuid)
printf 'UUID=%s / ext4 rw,discard,errors=remount-ro 0 1\n' "$uuid" >"$root/etc/fstab"
echo localhost >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
cat >"$root/etc/network/interfaces" <<'IFACES'
# interfaces(5); cloud-init writes the VM's interfaces into interfaces.d
auto lo
iface lo inet loopback

source /etc/network/interfaces.d/*
IFACES
mkdir -p "$root/etc/network/interfaces.d"
cat >"$root/etc/cloud/cloud.cfg.d/01_debian_cloud.cfg" <<'CLOUD'
# the data sources a Proxmox VE node offers: NoCloud (citype nocloud) and ConfigDrive (configdrive2)
datasource_list: [ NoCloud, ConfigDrive, None ]
# the locale glibc has built in (no locales package until the init script installs it)
locale: C.UTF-8
CLOUD
# no identity until first boot: cloud-init makes host keys, systemd a machine id
rm -f "$root"/etc/ssh/ssh_host_*
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
rm -f "$root/etc/resolv.conf"
rm -rf "$root"/var/lib/cloud/* "$root"/var/log/*.log "$root"/tmp/* "$root"/root/.bash_history
mkdir -p "$root/etc/default/grub.d"
umount "$root/proc" "$root/sys"

log "boot loader"
kernel_cmdline="root=UUID=$uuid ro console=tty0 console=ttyS0,115200 net.ifnames=0 biosdevname=0"
mkdir -p "$root/boot/grub/i386-pc"
cp "$root"/usr/lib/grub/i386-pc/*.mod "$root"/usr/lib/grub/i386-pc/*.lst "$root/boot/grub/i386-pc/"
cat >"$root/boot/grub/grub.cfg" <<GRUB
# written by pveq-sim's build-debian-image.sh; /vmlinuz and /initrd.img follow kernel upgrades
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set default=0
set timeout=1
menuentry 'Debian GNU/Linux $release' {
  insmod part_msdos
  insmod ext2
  search --no-floppy --fs-uuid --set=root $uuid
  linux /vmlinuz $kernel_cmdline
  initrd /initrd.img
}
GRUB
in_root grub-mkimage -O i386-pc -o /tmp/core.img -p "(hd0,msdos1)/boot/grub" biosdisk part_msdos ext2 search_fs_uuid
mv "$root/tmp/core.img" "$work/core.img"
cp "$root/usr/lib/grub/i386-pc/boot.img" "$work/boot.img"

log "disk image"
raw=$work/disk.raw
truncate -s "${disk_mib}M" "$raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$raw"
core_sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
((core_sectors < 2047)) || { echo "$0: core.img does not fit the gap before the partition" >&2; exit 1; }
mkfs.ext4 -q -F -L root -U "$uuid" -O ^orphan_file,^metadata_csum_seed -E offset=$((2048 * 512)) \
  -d "$root" "$raw" "$(( (disk_mib - 1) * 1024 ))k"
# GRUB in the MBR: boot.img's code (not the partition table) at sector 0, core.img from sector 1,
# where boot.img looks for it by default
dd if="$work/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$raw" bs=512 seek=1 conv=notrunc status=none
qemu-img convert -c -O qcow2 "$raw" "$out/$name"
(cd "$out" && sha512sum "$name" >SHA512SUMS)
{
  echo "debian $release ($codename) from $mirror"
  echo "packages: ${packages[*]}"
  echo "repository packages: ${repo_packages[*]}"
  in_root dpkg-query -W -f='${Package} ${Version}\n' 2>/dev/null | sort || true
} >"$out/recipe"
log "done: $out/$name"
