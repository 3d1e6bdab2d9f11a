#!/usr/bin/env bash
# Cold boot of the distribution to HTTP ready, 5 times from a fresh unpack (empty data/), median in ms.
# Needs the archive from `mvn -B -DskipTests verify`; uses ports 8000-8002 and 8101, which must be free.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=$(ls karaf-assembly/target/tritonosgi-karaf-assembly-*.tar.gz)
times=()
for run in 1 2 3 4 5; do
    dir=$(mktemp -d)
    tar xzf "$archive" -C "$dir"
    home=$(ls -d "$dir"/*/)
    start=$(date +%s%N)
    "$home/bin/start" >/dev/null 2>&1
    until curl -sf -o /dev/null http://127.0.0.1:8000/v2/health/ready; do
        if (( ($(date +%s%N) - start) / 1000000 > 120000 )); then echo "run $run: not ready in 120 s" >&2; exit 1; fi
        sleep 0.05
    done
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
    "$home/bin/stop" >/dev/null 2>&1
    while "$home/bin/status" 2>/dev/null | grep -q "^Running"; do sleep 0.2; done
    rm -rf "$dir"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "cold boot to HTTP ready (ms): ${times[*]}; median ${sorted[2]}"
