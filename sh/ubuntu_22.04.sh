#!/usr/bin/env bash
# pveq OS init script for Ubuntu 22.04 LTS (jammy). Served bundled (sh/bundle.sh expands the include line);
# arguments, environment and exit codes: sh/README.md or --help.
# pveq:include lib/apt-family.sh
pveq_main ubuntu 22.04 "$@"
