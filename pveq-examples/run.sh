#!/usr/bin/env bash
# Runs one pveq example or benchmark program with one command, from any directory:
#
#   pveq-examples/run.sh ProvisionOnSimulator
#   pveq-examples/run.sh bench.AllocationBenchmark
#   pveq-examples/run.sh io.pveq.examples.FollowJob http://127.0.0.1:8080 JOB_ID
#
# CLASS is a simple name in io.pveq.examples, bench.NAME, or a fully qualified name; the other
# arguments go to the program. The modules are (re)built first when a main source file or a pom.xml
# changed since the last build (mvn package -DskipTests; nothing is installed into ~/.m2); set
# PVEQ_NO_BUILD=1 to skip that check. Benchmarks run inside pveq-examples/, so their JSON lands in
# pveq-examples/target/bench/. JAVA selects the java binary (default: java on PATH).
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
classpath_file="$here/target/classpath.txt"

class="$1"
shift
case "$class" in
    io.pveq.*) ;;
    *) class="io.pveq.examples.$class" ;;
esac

if [[ "${PVEQ_NO_BUILD:-}" != 1 ]]; then
    stale=yes
    if [[ -f "$classpath_file" ]]; then
        stale="$(find "$root" -path '*/target' -prune -o -path '*/.git' -prune -o \
            \( -name pom.xml -o -path '*/src/main/*' -o -path "$root/sh/*" \) -type f \
            -newer "$classpath_file" -print -quit)"
    fi
    if [[ -n "$stale" ]]; then
        echo "building pveq-examples and its modules (mvn package -DskipTests) ..." >&2
        (cd "$root" && mvn -B -ntp -q -Dstyle.color=never -pl pveq-examples -am package -DskipTests \
            dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt) >&2
        touch "$classpath_file"   # the plugin leaves an unchanged file alone; mark this build
    fi
fi
if [[ ! -f "$classpath_file" ]]; then
    echo "run.sh: $classpath_file is missing; run without PVEQ_NO_BUILD=1 once" >&2
    exit 1
fi

classpath="$here/target/classes:$(cat "$classpath_file")"
if [[ "$class" == io.pveq.examples.bench.* ]]; then
    cd "$here"
fi
exec "${JAVA:-java}" -cp "$classpath" "$class" "$@"
