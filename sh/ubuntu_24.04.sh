#!/usr/bin/env bash
# pveq OS init script for Ubuntu 24.04 LTS (noble). Served bundled (sh/bundle.sh expands the include line);
# arguments, environment and exit codes: sh/README.md or --help.
# pveq:include lib/apt-family.sh
pveq_main ubuntu 24.04 "$@"
