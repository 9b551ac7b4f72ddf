#!/usr/bin/env bash
# Prints a pveq init script with its include lines expanded: the self-contained text served at
# GET /sh/<name> and run in the guest. Usage: sh/bundle.sh debian_12.sh | sudo bash -s -- --timezone UTC
#
# An include line is exactly "# pveq:include lib/<name>.sh" (<name>: a-z 0-9 _ -). It is replaced
# by that file, expanded the same way; a file already included is not included again. Only files
# directly under sh/lib can be included. Any other line starting "# pveq:include" is an error.
set -euo pipefail

sh_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
declare -A included=()

expand() {
  local name=$1 line target
  included[$name]=1
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == '# pveq:include'* ]]; then
      [[ $line =~ ^'# pveq:include '(lib/[a-z0-9][a-z0-9_-]*\.sh)$ ]] ||
        { echo "bundle.sh: $name: malformed include line: $line" >&2; exit 1; }
      target=${BASH_REMATCH[1]}
      [[ -f $sh_dir/$target ]] || { echo "bundle.sh: $name: no such file: $target" >&2; exit 1; }
      if [[ -n ${included[$target]:-} ]]; then
        printf '# pveq:already-included %s\n' "$target"
      else
        printf '# >>> pveq:begin %s\n' "$target"
        expand "$target"
        printf '# <<< pveq:end %s\n' "$target"
      fi
    else
      printf '%s\n' "$line"
    fi
  done <"$sh_dir/$name"
}

(($# == 1)) || { echo "usage: $0 <os>_<version>.sh" >&2; exit 2; }
[[ $1 =~ ^(lib/)?[a-z0-9][a-z0-9._-]*\.sh$ && $1 != *..* ]] || { echo "bundle.sh: not a script name: $1" >&2; exit 2; }
[[ -f $sh_dir/$1 ]] || { echo "bundle.sh: no such script: $1" >&2; exit 2; }
out=$(expand "$1" && printf x)
printf '%s' "${out%x}"
