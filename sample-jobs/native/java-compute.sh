#!/bin/sh
# java-compute: the JVM sample job (io.crak.samples.jvm.JavaCompute), installed into target/bin
# by make. exec: the job's process is the JVM itself, as a Java batch job's would be.
# -XX:-UsePerfData: no memory-mapped perf-data file in /tmp/hsperfdata_USER. A checkpointed JVM
# that has one maps it again at restore, but any JVM started on the node after the dump killed
# this one deletes it as stale, and another node never had it.
here=$(cd "$(dirname "$0")/.." && pwd)
exec java -XX:-UsePerfData -Xms128m -Xmx128m -cp "$here/classes" io.crak.samples.jvm.JavaCompute "$@"
