#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH; prints JMH's table and each benchmark's ratio to its raw limit.
# Usage: bench/run.sh [JMH options, e.g. -wi 1 -i 3 for a quick run]
#        HTTP_WARMUP / HTTP_SECONDS / HTTP_CONNECTIONS set the HTTP load runs (default 2 s, 5 s, 1,16,64).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/target
mvn -B -q -DskipTests package dependency:build-classpath -pl bench -am \
    -Dmdep.outputFile="$PWD/bench/target/classpath.txt" -Dmdep.includeScope=runtime
cp=$(cat bench/target/classpath.txt)
echo "== HTTP: our frontend vs a bare Netty echo of the same bytes (closed loop, loopback)"
java -cp "bench/target/classes:$cp" org.tritonosgi.bench.HttpBench "${HTTP_WARMUP:-2}" "${HTTP_SECONDS:-5}" \
    "${HTTP_CONNECTIONS:-1,16,64}" | tee bench/target/http.md
echo "== JMH micro benchmarks"
java -cp "bench/target/classes:$cp" org.openjdk.jmh.Main -rf json -rff bench/target/jmh.json "$@" | tee bench/target/jmh.txt
python3 - <<'PY'
import json
results = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open("bench/target/jmh.json"))}
pairs = [("engineInfer", "bareOnnxRuntimeRun", "embedded engine infer vs bare ORT session.run, [1,16] FP32 Identity")]
print("\n| scenario | ours (us/op) | raw limit (us/op) | ratio |\n|---|---|---|---|")
for ours, raw, label in pairs:
    if ours in results and raw in results:
        o, r = results[ours]["score"], results[raw]["score"]
        def err(m):
            e = m["scoreError"]
            return f" ± {e:.2f}" if isinstance(e, (int, float)) else ""
        print(f"| {label} | {o:.2f}{err(results[ours])} | {r:.2f}{err(results[raw])} | {o / r:.2f} |")
PY
