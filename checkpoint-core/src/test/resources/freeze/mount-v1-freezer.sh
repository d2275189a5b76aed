#!/bin/sh
# CI set-up for the cgroup v1 freezer tests (run as root, once, before `mvn test`).
# Debian 12 with systemd mounts only cgroup2; the v1 freezer controller is still free to mount
# on its own hierarchy, which is what CgroupV1Freezer finds through /proc/self/mountinfo.
# Without it, the v1 tests are skipped with the probe's reason instead of failing.
set -eu
if grep -q ' - cgroup [^ ]* [^ ]*freezer' /proc/self/mountinfo; then
    echo "cgroup v1 freezer already mounted"
    exit 0
fi
dir=${1:-/run/crak-cgroup-v1/freezer}
mkdir -p "$dir"
mount -t cgroup -o freezer crak-freezer "$dir"
echo "cgroup v1 freezer mounted at $dir"
