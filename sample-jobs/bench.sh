#!/bin/sh
# Prints wall/CPU time and peak RSS of every sample job run with its defaults (or with the
# quick arguments with --quick), as Markdown table rows for docs/benchmarks.md.
# Usage: sample-jobs/bench.sh [--quick]   (after mvn -pl sample-jobs compile; needs GNU time, Debian package "time")
set -eu
BIN="$(cd "$(dirname "$0")" && pwd)/target/bin"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
if [ "${1:-}" = "--quick" ]; then
    # keep in step with SampleJob.quickArgs()
    set -- "mt-compute --steps 2500" "proc-tree --rounds 200" \
        "memhog --mib 128 --passes 22 --untouched-mib 256" "stencil-pipe --steps 3000" \
        "stencil-socket --steps 3000" "stencil-socket --steps 3000 --transport tcp" "scratch-files --steps 5000"
else
    set -- mt-compute proc-tree memhog stencil-pipe stencil-socket "stencil-socket --transport tcp" scratch-files
fi
echo "| job | wall s | user s | sys s | max RSS KiB | checksum |"
echo "|---|---|---|---|---|---|"
for job in "$@"; do
    extra=""
    case "$job" in scratch-files*) extra="--tmp $TMP/records" ;; esac
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN"/$job $extra > "$TMP/out"
    read -r wall user sys rss < "$TMP/time"
    echo "| \`$job\` | $wall | $user | $sys | $rss | $(tail -n 1 "$TMP/out" | cut -d' ' -f2) |"
done
