#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# End to end with the real engine, meant to run inside the kmod VM (vm-test.sh --run) where
# /dev/crak makes the module the engine's freezer:
#   1. runs the job uninterrupted and takes its final "checksum ..." line as the reference;
#   2. runs it again, dumps it after DELAY seconds with `bin/crak dump --freezer KMOD`, kills it
#      (by pid), restores it with `bin/crak restore`, and compares the restored run's checksum.
# Usage (from the repository root): kmod/vm/engine-e2e.sh DELAY_SECONDS JOB [ARG...]
# e.g. make -C kmod vm-test VM_ARGS="--run 'kmod/vm/engine-e2e.sh 2 sample-jobs/target/bin/mt-compute'"
# REFERENCE=<16 hex digits> skips step 1 (the checksum is deterministic: compute it on the host,
# where the job runs ~10x faster than under TCG).
# Needs a writable /tmp (the guest's tmpfs). Exit status 0 only if the checksums match.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DELAY_SECONDS JOB [ARG...]" >&2; exit 2; }
DELAY=$1
shift
WORK=$(mktemp -d /tmp/crak-e2e.XXXXXX)
JOB_TIMEOUT_S=300

checksum() { sed -n 's/^checksum \([0-9a-f]\{16\}\)$/\1/p' "$1" | tail -n 1; }

# 1. Reference run, unless given.
if [ -n "${REFERENCE:-}" ]; then
	echo "engine-e2e: reference checksum $REFERENCE given"
else
echo "engine-e2e: reference run of $*"
START=$(date +%s)
"$@" >"$WORK/reference.out" 2>"$WORK/reference.err"
echo "engine-e2e: reference run took $(($(date +%s) - START))s"
REFERENCE=$(checksum "$WORK/reference.out")
[ -n "$REFERENCE" ] || { echo "engine-e2e: reference run printed no checksum"; cat "$WORK/reference.err"; exit 1; }
fi

# 2. Checkpointed run: its own session, output to files that survive the restore.
setsid "$@" >"$WORK/run.out" 2>"$WORK/run.err" &
JOB=$!
echo "engine-e2e: job $JOB started, dumping it in ${DELAY}s"
sleep "$DELAY"
kill -0 "$JOB" 2>/dev/null || { echo "engine-e2e: job finished before the dump; use a shorter DELAY"; exit 1; }
show() { for f in "$WORK"/run.out "$WORK"/run.err; do echo "--- $f"; tail -n 3 "$f"; done; }
START=$(date +%s)
bin/crak dump --freezer KMOD --pid "$JOB" --images "$WORK/images" ||
	{ echo "engine-e2e: dump failed after $(($(date +%s) - START))s"; show; kill -9 "$JOB" 2>/dev/null; exit 1; }
echo "engine-e2e: dump took $(($(date +%s) - START))s"
kill -9 "$JOB" 2>/dev/null || true
wait "$JOB" 2>/dev/null || true
echo "engine-e2e: dumped and killed job $JOB, restoring it"
timeout "$JOB_TIMEOUT_S" bin/crak restore --images "$WORK/images" || {
	echo "engine-e2e: restore failed or the restored job did not finish in ${JOB_TIMEOUT_S}s"; tail -n 5 "$WORK/run.err"; exit 1; }
RESTORED=$(checksum "$WORK/run.out")
echo "engine-e2e: reference $REFERENCE, restored $RESTORED"
[ "$RESTORED" = "$REFERENCE" ]
