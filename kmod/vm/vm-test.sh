#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves crak.ko inside a real Debian kernel: builds the module against Debian's linux-headers
# package, builds the static test programs, boots Debian's own kernel image under qemu (TCG) with
# a small initramfs, loads the module and runs the tests in the guest. The host's root is shared
# read-only over 9p, so a guest step can chroot into it and run the host's JDK on the built tree.
#
# Usage: vm-test.sh [--steps LIST] [--run CMD]... [--timeout SECONDS]
#   --steps LIST   comma-separated guest steps, default selftest,functional,java
#                  (also: bench — freeze/thaw figures of kmod vs cgroup v2/v1 vs ptrace;
#                  engine — vm/engine-e2e.sh: bin/crak dumps a sample job with the module as
#                  freezer, kills and restores it, checksum compared; ~2.5 min under
#                  TCG on an idle host, adds 420 s to the timeout)
#   --run CMD      after the steps, run CMD with /bin/sh -c in the guest, chrooted into the host's
#                  root (read-only; /tmp, /run, /dev, /proc, /sys and the cgroup v1 freezer and v2
#                  mounts under /sys/fs/cgroup/{freezer,unified} are the guest's), cwd = this repo,
#                  HOME=/tmp, /dev/crak present. Exit status 0 passes. Repeatable; one result each;
#                  its output is shown as it comes.
#   --timeout S    kill the guest after S seconds (default 170)
# Output ends with "N passed, N failed"; exit status 1 on any failure, guest panic or timeout.
set -euo pipefail

KMOD_DIR=$(cd "$(dirname "$0")/.." && pwd)
REPO_DIR=$(cd "$KMOD_DIR/.." && pwd)
BUILD_DIR=$KMOD_DIR/build
STEPS=selftest,functional,java
TIMEOUT_S=170
ENGINE_E2E_EXTRA_S=420 # the engine step's JVMs are slow under TCG
HOOKS=()

while [ $# -gt 0 ]; do
	case "$1" in
	--steps) STEPS=$2; shift 2 ;;
	--run) HOOKS+=("$2"); shift 2 ;;
	--timeout) TIMEOUT_S=$2; shift 2 ;;
	*) echo "vm-test: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
	esac
done
case "$TIMEOUT_S" in
''|*[!0-9]*) echo "vm-test: --timeout '$TIMEOUT_S' is not a number of seconds" >&2; exit 2 ;;
esac

die() { echo "vm-test: $*" >&2; exit 1; }

for tool in qemu-system-x86_64 gcc make cpio gzip busybox apt-get dpkg strings; do
	command -v "$tool" >/dev/null || die "$tool not found: install the packages in .ci/packages/kmod.txt"
done

# Debian's kernel ABI name (e.g. 6.1.0-26-amd64) from the installed linux-headers-amd64.
HEADERS=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$HEADERS" ] || die "no /usr/src/linux-headers-*-amd64: apt-get install linux-headers-amd64"
KVER=${HEADERS#/usr/src/linux-headers-}

echo "vm-test: building crak.ko against $HEADERS"
mkdir -p "$BUILD_DIR"
make -C "$KMOD_DIR" KDIR="$HEADERS" modules >"$BUILD_DIR/build.log" 2>&1 &&
	make -C "$KMOD_DIR/selftests" >>"$BUILD_DIR/build.log" 2>&1 ||
	{ tail -n 30 "$BUILD_DIR/build.log"; die "build failed (log: $BUILD_DIR/build.log)"; }
grep -E 'warning:' "$BUILD_DIR/build.log" | grep -v 'statically linked' && die "the build has warnings (log: $BUILD_DIR/build.log)"

# Debian's kernel image of the same ABI, unpacked (not installed) into the build directory.
KROOT=$BUILD_DIR/kernel-$KVER
if [ ! -f "$KROOT/boot/vmlinuz-$KVER" ]; then
	mkdir -p "$BUILD_DIR/debs"
	(cd "$BUILD_DIR/debs" && { apt-get download -q "linux-image-$KVER" ||
		apt-get download -q "linux-image-$KVER-unsigned"; }) >/dev/null 2>&1 ||
		die "apt-get download linux-image-$KVER failed (run apt-get update?)"
	rm -rf "$KROOT.tmp"
	dpkg -x "$(ls "$BUILD_DIR"/debs/linux-image-"$KVER"*_amd64.deb | head -n 1)" "$KROOT.tmp"
	mv "$KROOT.tmp" "$KROOT"
fi
MODDIR=$KROOT/lib/modules/$KVER

# The Java check needs checkpoint-core's classes and JNA.
if [[ ",$STEPS," == *,java,* ]]; then
	if [ ! -f "$REPO_DIR/checkpoint-core/target/test-classes/io/crak/core/freeze/KmodFreezerGuestTest.class" ]; then
		echo "vm-test: compiling checkpoint-core for the guest's Java check"
		(cd "$REPO_DIR" && mvn -q -pl checkpoint-core -am test-compile) || die "mvn test-compile of checkpoint-core failed"
	fi
	JNA_JAR=$(ls "${HOME}"/.m2/repository/net/java/dev/jna/jna/*/jna-*.jar 2>/dev/null | grep -v sources | sort -V | tail -n 1)
	[ -n "$JNA_JAR" ] || die "no JNA jar under ~/.m2: build checkpoint-core with Maven first"
	# A snapshot, so that a rebuild of the tree while the guest runs cannot pull classes away;
	# taken again if it caught such a rebuild half way.
	for attempt in 1 2 3 4 5 6; do
		rm -rf "$BUILD_DIR/java"
		mkdir -p "$BUILD_DIR/java"
		cp -r "$REPO_DIR/checkpoint-core/target/classes" "$BUILD_DIR/java/classes" 2>/dev/null || true
		cp -r "$REPO_DIR/checkpoint-core/target/test-classes" "$BUILD_DIR/java/test-classes" 2>/dev/null || true
		[ -f "$BUILD_DIR/java/classes/io/crak/core/freeze/KmodFreezer.class" ] &&
			[ -f "$BUILD_DIR/java/classes/io/crak/core/jna/CrakKmod.class" ] &&
			[ -f "$BUILD_DIR/java/test-classes/io/crak/core/freeze/KmodFreezerGuestTest.class" ] && break
		[ "$attempt" = 6 ] && die "checkpoint-core classes incomplete under $REPO_DIR/checkpoint-core/target"
		sleep 10
	done
	JAVA_CP=$BUILD_DIR/java/classes:$BUILD_DIR/java/test-classes:$JNA_JAR
fi

# The engine end to end: the sample's checksum is deterministic, so the reference run is done
# here, ~10x faster than under TCG; the guest dumps, kills and restores it with bin/crak.
if [[ ",$STEPS," == *,engine,* ]]; then
	E2E_JOB=(sample-jobs/target/bin/mt-compute --threads 2 --steps 400000 --cells 256)
	[ -x "$REPO_DIR/${E2E_JOB[0]}" ] && [ -f "$REPO_DIR/scheduler-plugin/target/crak.jar" ] ||
		die "engine step: build the tree first (mvn -DskipTests package builds bin/crak and the samples)"
	REFERENCE=$(cd "$REPO_DIR" && "${E2E_JOB[@]}" | sed -n 's/^checksum //p')
	HOOKS+=("REFERENCE=$REFERENCE kmod/vm/engine-e2e.sh 3 ${E2E_JOB[*]}")
	TIMEOUT_S=$((TIMEOUT_S + ENGINE_E2E_EXTRA_S))
fi

# Modules the guest loads before crak.ko: virtio-pci and 9p, with their dependencies in order.
declare -A SEEN=()
ORDERED=()
ko_path() { find "$MODDIR/kernel" -name "$1.ko" | head -n 1; }
add_module() {
	local name=$1 path dep
	[ -n "${SEEN[$name]:-}" ] && return
	SEEN[$name]=1
	path=$(ko_path "$name")
	[ -n "$path" ] || die "module $name not in $MODDIR"
	for dep in $(strings -a "$path" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "${dep//-/_}"
	done
	ORDERED+=("$path")
}
for m in virtio_pci 9pnet_virtio 9p; do add_module "$m"; done

# The initramfs: busybox, the modules, the test programs and the plan.
RD=$BUILD_DIR/initramfs
rm -rf "$RD"
mkdir -p "$RD"/{bin,dev,proc,sys,tmp,host,crak/modules}
cp "$(command -v busybox)" "$RD/bin/busybox"
i=0
for path in "${ORDERED[@]}"; do
	cp "$path" "$RD/crak/modules/$(printf '%02d' $i)-$(basename "$path")"
	i=$((i + 1))
done
cp "$KMOD_DIR/crak.ko" "$RD/crak/crak.ko"
cp "$KMOD_DIR"/selftests/{crak_selftest,crak_functional,crak_bench} "$RD/crak/"
cp "$KMOD_DIR/vm/init" "$RD/init"
chmod 755 "$RD/init"
{
	echo "STEPS=$STEPS"
	echo "REPO_DIR=$REPO_DIR"
	echo "JAVA_CP=${JAVA_CP:-}"
	echo "NR_HOOKS=${#HOOKS[@]}"
} >"$RD/crak/plan"
for i in "${!HOOKS[@]}"; do printf '%s\n' "${HOOKS[$i]}" >"$RD/crak/hook.$i"; done
(cd "$RD" && find . | cpio -o -H newc --quiet | gzip -1) >"$BUILD_DIR/initramfs.cpio.gz"

LOG=$BUILD_DIR/console.log
: >"$LOG"
echo "vm-test: booting $KVER under qemu (TCG), steps $STEPS${HOOKS:+, ${#HOOKS[@]} hook(s)}, timeout ${TIMEOUT_S}s"
# One host thread runs both vCPUs (thread=single): with a thread per vCPU, qemu 7.2 could translate
# code another vCPU was patching half old, half new. The JVM patches its JIT code while it runs
# (a method made not entrant gets a jump written over its first instruction), and about one
# bin/crak JVM in 40 died of such a torn instruction (SIGSEGV or SIGILL in JIT code, never twice at
# the same place; none in 45 runs with thread=single). The guest still has two CPUs, interleaved.
qemu-system-x86_64 -accel tcg,thread=single -smp 2 -m 2048 -cpu max -nodefaults -display none -no-reboot \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$BUILD_DIR/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" \
	-serial "file:$LOG" -monitor none -nic none \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	>"$BUILD_DIR/qemu.out" 2>&1 &
QEMU_PID=$!
# Only the qemu started here is ever killed, by its pid.
trap 'kill "$QEMU_PID" 2>/dev/null || true' EXIT

STATUS=ok
START=$SECONDS
while kill -0 "$QEMU_PID" 2>/dev/null; do
	if [ $((SECONDS - START)) -ge "$TIMEOUT_S" ]; then
		STATUS="timeout after ${TIMEOUT_S}s"
		kill "$QEMU_PID" 2>/dev/null || true
		break
	fi
	if grep -q -e 'Kernel panic' -e 'CRAK-VM-DONE' "$LOG"; then
		sleep 1
		grep -q 'Kernel panic' "$LOG" && kill "$QEMU_PID" 2>/dev/null || true
	fi
	sleep 1
done
wait "$QEMU_PID" 2>/dev/null || true
trap - EXIT

# Everything the guest said that is a result, a figure, or a reason for failure.
tr -d '\r' <"$LOG" | grep -E '^(CRAK-RESULT|CRAK-INFO|CRAK-BENCH)' | sed 's/^CRAK-RESULT //; s/^CRAK-INFO /  /; s/^CRAK-BENCH /bench: /' || true
PASSED=$(tr -d '\r' <"$LOG" | grep -c '^CRAK-RESULT PASS' || true)
FAILED=$(tr -d '\r' <"$LOG" | grep -c '^CRAK-RESULT FAIL' || true)
if tr -d '\r' <"$LOG" | grep -q 'Kernel panic'; then
	STATUS="guest kernel panic"
elif [ "$STATUS" = ok ] && ! grep -q 'CRAK-VM-DONE' "$LOG"; then
	STATUS="guest stopped before finishing"
fi
if [ "$STATUS" != ok ]; then
	echo "vm-test: $STATUS; last console lines ($LOG):"
	tr -d '\r' <"$LOG" | tail -n 25 | sed 's/^/  | /'
	FAILED=$((FAILED + 1))
fi
echo "vm-test: guest ran $((SECONDS - START))s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
