#!/usr/bin/env bash
# pveq OS init script for Ubuntu 20.04 LTS (focal). Served bundled (sh/bundle.sh expands the include line);
# arguments, environment and exit codes: sh/README.md or --help.
# pveq:include lib/apt-family.sh
pveq_main ubuntu 20.04 "$@"
