#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH; prints JMH's table and each benchmark's ratio to its raw limit.
# Usage: bench/run.sh [JMH options, e.g. -wi 1 -i 3 for a quick run]
#        HTTP_WARMUP / HTTP_SECONDS / HTTP_CONNECTIONS set the HTTP load runs (default 2 s, 5 s, 1,16,64).
#        GRPC_WARMUP / GRPC_SECONDS / GRPC_CONNECTIONS set the gRPC load runs (default 2 s, 5 s, 1,16,64 concurrent
#        calls or streams).
#        DIRECT_ITERATIONS / DIRECT_WARMUP set the direct C loop on the double (default 200000, 20000).
# Needs gcc: the native core's benchmarks run on our C test double of libtritonserver (bundles/core/src/test/c).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/target
mvn -B -q -DskipTests package dependency:build-classpath -pl bench -am \
    -Dmdep.outputFile="$PWD/bench/target/classpath.txt" -Dmdep.includeScope=runtime
cp=$(cat bench/target/classpath.txt)
# the C test double (the same gcc command as bundles/core's build) and the direct C API loop linked against it
mkdir -p bench/target/native
gcc -shared -fPIC -O2 -pthread -o bench/target/native/libtritonserver.so bundles/core/src/test/c/tritonserver_double.c
gcc -O2 -pthread -Ibundles/core/src/test/c -o bench/target/direct_loop bench/src/main/c/direct_loop.c \
    -Lbench/target/native -ltritonserver -Wl,-rpath,"$PWD/bench/target/native"
export TRITONOSGI_CORE_DOUBLE="$PWD/bench/target/native/libtritonserver.so"
echo "== native core: the TRITONSERVER C API called directly in C on the double (sequential, [1,16] FP32 identity)"
bench/target/direct_loop "${DIRECT_ITERATIONS:-200000}" "${DIRECT_WARMUP:-20000}" | tee bench/target/direct_loop.txt
echo "== HTTP: our frontend vs a bare Netty echo of the same bytes (closed loop, loopback)"
java -cp "bench/target/classes:$cp" org.tritonosgi.bench.HttpBench "${HTTP_WARMUP:-2}" "${HTTP_SECONDS:-5}" \
    "${HTTP_CONNECTIONS:-1,16,64}" | tee bench/target/http.md
echo "== gRPC: our frontend vs a bare grpc-java echo of the same bytes (closed loop, loopback)"
java -cp "bench/target/classes:$cp" org.tritonosgi.bench.GrpcBench "${GRPC_WARMUP:-2}" "${GRPC_SECONDS:-5}" \
    "${GRPC_CONNECTIONS:-1,16,64}" | tee bench/target/grpc.md
echo "== JMH micro benchmarks"
java -cp "bench/target/classes:$cp" org.openjdk.jmh.Main -rf json -rff bench/target/jmh.json "$@" | tee bench/target/jmh.txt
python3 - <<'PY'
import json
results = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open("bench/target/jmh.json"))}
pairs = [("engineInfer", "bareOnnxRuntimeRun", "embedded engine infer vs bare ORT session.run, [1,16] FP32 Identity"),
         ("coreInfer", "directCLoop", "native core infer through JNA vs the C API called directly in C, on the C double, "
          "[1,16] FP32 identity")]
# the direct C loop's result (ns per inference) as a pseudo benchmark in us/op, without an error estimate
for line in open("bench/target/direct_loop.txt"):
    if line.startswith("direct_loop "):
        fields = dict(f.split("=") for f in line.split()[1:])
        results["directCLoop"] = {"score": float(fields["ns_per_inference"]) / 1000.0, "scoreError": None}
print("\n| scenario | ours (us/op) | raw limit (us/op) | ratio |\n|---|---|---|---|")
for ours, raw, label in pairs:
    if ours in results and raw in results:
        o, r = results[ours]["score"], results[raw]["score"]
        def err(m):
            e = m["scoreError"]
            return f" ± {e:.2f}" if isinstance(e, (int, float)) else ""
        print(f"| {label} | {o:.2f}{err(results[ours])} | {r:.2f}{err(results[raw])} | {o / r:.2f} |")
PY
