#!/usr/bin/env bash
# Storage benchmark: prints throughput figures for docs/benchmarks.md.
# Usage: storage/bench.sh [DIR]   (DIR: where to write, default /var/tmp/crak-bench; needs ~3 GiB)
# Runs with a 128 MiB heap on purpose: writing and reading 1 GiB must not need more.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
cd "$here/.."
mvn -q -o -pl storage -am install -DskipTests >/dev/null
mvn -q -o -pl storage test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/storage/target/bench.cp" >/dev/null
exec java -Xmx128m -XX:+UseSerialGC -cp "storage/target/test-classes:storage/target/classes:$(cat storage/target/bench.cp)" \
    io.crak.storage.StorageBenchmark "$@"
