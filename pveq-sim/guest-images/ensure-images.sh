#!/usr/bin/env bash
# Builds the Debian guest images the real-guest tests boot, or reuses those built before from the same
# recipe. Usage: ensure-images.sh [CACHE_ROOT] [VERSION...]   (versions default: 11 12 13)
# CACHE_ROOT defaults to $PVEQ_GUEST_IMAGES, else ~/.cache/pveq/guest-images. The images go into
# CACHE_ROOT/<recipe>/debian-<v>/ where <recipe> is the first 16 hex digits of the SHA-256 of
# build-debian-image.sh followed by this file: a changed recipe builds afresh, an unchanged one is
# reused by later runs and by CI. CACHE_ROOT/<recipe>/repo/ merges the releases' package repositories.
# Prints the folder on its last line. Needs root and Debian's repositories (see build-debian-image.sh).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cache=${1:-${PVEQ_GUEST_IMAGES:-$HOME/.cache/pveq/guest-images}}
shift || true
versions=("$@")
((${#versions[@]} > 0)) || versions=(11 12 13)
recipe=$(cat "$here/build-debian-image.sh" "$here/ensure-images.sh" | sha256sum | cut -c1-16)
folder=$cache/$recipe
mkdir -p "$folder"
exec 9>"$folder/.lock"
flock 9
for v in "${versions[@]}"; do
  if [[ -f $folder/debian-$v/SHA512SUMS ]]; then
    echo "debian $v: reusing $folder/debian-$v" >&2
    continue
  fi
  rm -rf "$folder/debian-$v.tmp"
  start=$SECONDS
  "$here/build-debian-image.sh" "$v" "$folder/debian-$v.tmp" >&2
  mv "$folder/debian-$v.tmp" "$folder/debian-$v"
  echo "debian $v: built in $((SECONDS - start)) s" >&2
done
# one repository for all releases: the suites side by side, the pool files shared (hard links)
rm -rf "$folder/repo.tmp"
mkdir -p "$folder/repo.tmp"
for v in "${versions[@]}"; do
  cp -al --no-clobber "$folder/debian-$v/repo/." "$folder/repo.tmp/" 2>/dev/null ||
    cp -a --no-clobber "$folder/debian-$v/repo/." "$folder/repo.tmp/"
done
for existing in "$folder"/debian-*/repo; do
  [[ -d $existing ]] && cp -al --no-clobber "$existing/." "$folder/repo.tmp/" 2>/dev/null || true
done
rm -rf "$folder/repo"
mv "$folder/repo.tmp" "$folder/repo"
echo "$folder"
