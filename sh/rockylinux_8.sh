#!/usr/bin/env bash
# pveq OS init script for Rocky Linux 8. Served bundled (sh/bundle.sh expands the include line);
# arguments, environment and exit codes: sh/README.md or --help.
# pveq:include lib/dnf-family.sh
pveq_main rocky 8 "$@"
