#!/bin/bash
# Re-captures the /proc fixtures of the parser tests from real processes on this host.
# Run as root from this directory: ./capture.sh   (needs gcc, java, unshare, mount)
# Every process started here is a child of this shell and is killed by pid and reaped with wait.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
started=()
cleanup() {
    for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
children() { tr -d ' \n' < /proc/$1/task/$1/children; }  # single-child case only

copy() { # copy SRC DEST: read a /proc file in one go
    mkdir -p "$(dirname "$here/$2")"
    cat "$1" > "$here/$2"
}

# 1. oddities: comm "a) (b c)", paths with spaces, deleted file, memfd, fds of every kind
gcc -O2 -o "$work/oddities" "$here/oddities.c"
"$work/oddities" "$work/crak fixture" > "$work/odd.out" &
odd=$!; started+=($odd)
for _ in $(seq 50); do [ -s "$work/odd.out" ] && break; sleep 0.1; done
read -r pid efd ep in tfd sfd f named < "$work/odd.out"
for name in maps stat status limits; do copy /proc/$pid/$name oddities/$name; done
copy /proc/$pid/fdinfo/$efd oddities/fdinfo-eventfd
copy /proc/$pid/fdinfo/$ep oddities/fdinfo-epoll
copy /proc/$pid/fdinfo/$in oddities/fdinfo-inotify
copy /proc/$pid/fdinfo/$tfd oddities/fdinfo-timerfd
copy /proc/$pid/fdinfo/$sfd oddities/fdinfo-signalfd
copy /proc/$pid/fdinfo/$f oddities/fdinfo-file
# pagemap of the named 2-page anonymous area: page 0 touched, page 1 never touched
dd if=/proc/$pid/pagemap of="$here/oddities/pagemap-named" bs=8 count=2 \
   skip=$(( 0x$named / $(getconf PAGESIZE) )) status=none
kill $odd; wait $odd || true

# 2. a shell with two children
bash -c 'sleep 30 & sleep 30 & wait' &
sh=$!; started+=($sh)
sleep 0.3
for name in stat status maps; do copy /proc/$sh/$name shell/$name; done
copy /proc/$sh/task/$sh/children shell/children
kill $(cat /proc/$sh/task/$sh/children) ; wait $sh || true

# 3. a multi-threaded JVM: process files and one non-main thread's files
cat > "$work/Sleep.java" <<'JAVA'
public class Sleep { public static void main(String[] a) throws Exception { System.out.println("up"); Thread.sleep(30000); } }
JAVA
java "$work/Sleep.java" > "$work/java.out" &
jvm=$!; started+=($jvm)
for _ in $(seq 100); do [ -s "$work/java.out" ] && break; sleep 0.1; done
for name in stat status maps; do copy /proc/$jvm/$name java/$name; done
tid=$(ls /proc/$jvm/task | sort -n | sed -n 2p)
copy /proc/$jvm/task/$tid/stat java/task-stat
copy /proc/$jvm/task/$tid/status java/task-status
kill $jvm; wait $jvm || true

# 4. a zombie: the exec'd sleep never reaps the "true" it inherited
sh -c '/bin/true & exec sleep 30' &
parent=$!; started+=($parent)
sleep 0.3
zombie=$(children $parent)
copy /proc/$zombie/stat zombie/stat
copy /proc/$zombie/status zombie/status
kill $parent; wait $parent || true

# 5. a process in its own pid namespace, read from outside (NStgid/NSpid have two entries)
unshare -pf --mount-proc sh -c 'sleep 30' &
ns=$!; started+=($ns)
sleep 0.3
inner=$(children $ns)   # unshare forks; its child is pid 1 inside
copy /proc/$inner/status pidns/status
copy /proc/$inner/stat pidns/stat
kill $ns; wait $ns || true

# 6. this shell's own view: maps with [vvar_vclock], mountinfo with an escaped mount point
mkdir -p "$here/self"
cat /proc/self/maps > "$here/self/maps"
mkdir -p "$work/mnt point"
unshare -m sh -c "mount -t tmpfs -o size=1m 'crak src' '$work/mnt point' && cat /proc/self/mountinfo" > "$here/self/mountinfo"
echo "captured into $here"
