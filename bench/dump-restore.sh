#!/usr/bin/env bash
# Benchmark of crak dump and crak restore on the memhog sample job (issue: engine benchmark).
# For each size: starts memhog, waits until its memory is filled, dumps it with --leave-running to
# DIR (the time frozen is what the application feels; images are fsync'ed before crak returns),
# kills it, restores it (--detach), and in the same run writes the same number of bytes with dd
# (conv=fsync) to the same directory as the reference. Prints wall time (crak's JVM start
# included), time frozen, throughput and its ratio to dd, and crak's peak RSS. Usage: bench/dump-restore.sh [DIR] [MiB...]   (default: /var/tmp 256 1024)
# Run as root from the built tree (mvn -DskipTests install).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/var/tmp}"; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(256 1024)
crak="$here/bin/crak"
memhog="$here/sample-jobs/target/bin/memhog"
work="$(mktemp -d "$dir/crak-bench.XXXXXX")"
started=()
cleanup() {
    for p in "${started[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

printf '%-6s %-8s %10s %10s %12s %8s %10s %10s %12s %8s\n' MiB phase wall_ms frozen_ms MiB/s vs_dd peakRSS_MiB dd_MiB/s ""
for mib in "${sizes[@]}"; do
    out="$work/memhog-$mib.out"
    # memhog must not be our java.lang.Process-like child in a way that matters: a plain background job
    "$memhog" --mib "$mib" --passes 100000 --untouched-mib 0 > "$out" 2>&1 < /dev/null &
    pid=$!; started+=("$pid")
    until grep -q '^filled' "$out" 2>/dev/null; do sleep 0.05; done
    rm -rf "$work/img"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    t0=$(ms)
    /usr/bin/time -f '%M' -o "$work/rss" "$crak" dump --leave-running --pid "$pid" --images "$work/img" 2> "$work/dump.err" || { cat "$work/dump.err"; exit 1; }
    t1=$(ms)
    frozen=$(grep -o 'frozen [0-9]*' "$work/dump.err" | awk '{print $2}')
    bytes=$(du -sb "$work/img" | awk '{print $1}')
    rss=$(( $(cat "$work/rss") / 1024 ))
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    # dd reference: same bytes, same directory, flushed like crak's images (fsync)
    d0=$(ms)
    dd if=/dev/zero of="$work/dd.img" bs=4M count=$(( (bytes + 4194303) / 4194304 )) conv=fsync status=none
    d1=$(ms); rm -f "$work/dd.img"
    ddrate=$(awk -v b="$bytes" -v t=$((d1 - d0)) 'BEGIN{printf "%.0f", b/1048576/(t/1000)}')
    rate=$(awk -v b="$bytes" -v t=$((t1 - t0)) 'BEGIN{printf "%.0f", b/1048576/(t/1000)}')
    ratio=$(awk -v a="$rate" -v b="$ddrate" 'BEGIN{printf "%.2f", a/b}')
    printf '%-6s %-8s %10d %10s %12s %8s %10s %12s\n' "$mib" dump $((t1 - t0)) "$frozen" "$rate" "$ratio" "$rss" "$ddrate"
    # restore from page cache
    t0=$(ms)
    /usr/bin/time -f '%M' -o "$work/rss" "$crak" restore --images "$work/img" --detach > "$work/rpid" 2> "$work/restore.err" || { cat "$work/restore.err"; exit 1; }
    t1=$(ms)
    rpid=$(cat "$work/rpid"); started+=("$rpid")
    rss=$(( $(cat "$work/rss") / 1024 ))
    inner=$(grep -o 'in [0-9]* ms' "$work/restore.err" | awk '{print $2}')
    rate=$(awk -v b="$bytes" -v t="$inner" 'BEGIN{printf "%.0f", b/1048576/(t/1000)}')
    # reference: reading the same page files from the page cache with dd (no memory filled)
    d0=$(ms)
    cat "$work"/img/pages-*.img | dd of=/dev/null bs=4M status=none
    d1=$(ms)
    ddrate=$(awk -v b="$bytes" -v t=$((d1 - d0)) 'BEGIN{printf "%.0f", b/1048576/((t > 0 ? t : 1)/1000)}')
    ratio=$(awk -v a="$rate" -v b="$ddrate" 'BEGIN{printf "%.2f", a/b}')
    printf '%-6s %-8s %10d %10s %12s %8s %10s %12s   (engine %s ms; dd = reading the images)\n' "$mib" restore \
        $((t1 - t0)) "-" "$rate" "$ratio" "$rss" "$ddrate" "$inner"
    kill -9 "$rpid" 2>/dev/null || true
done
