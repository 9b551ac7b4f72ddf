#!/usr/bin/env bash
# pveq OS init script for Debian 12 (bookworm). Served bundled (sh/bundle.sh expands the include line);
# arguments, environment and exit codes: sh/README.md or --help.
# pveq:include lib/apt-family.sh
pveq_main debian 12 "$@"
