#!/usr/bin/env bash
# Builds the benchmarks (package only, never install) and runs the whole suite, each benchmark against its raw limit
# in the same run; prints Markdown tables and keeps them in bench/target/results.md. About 8-9 minutes on 2 cores.
# Usage: bench/run.sh [JMH options; default -wi 2 -w 1 -i 5 -r 1]     (JMH always adds -prof gc for B/op)
#        LONG=1 bench/run.sh   runs only the long mode: LONG_REQUESTS (1000000) FP32[1,16] requests through each
#                              frontend on each engine at LONG_CONCURRENCY (16), RSS at start and end
#        HTTP_WARMUP / HTTP_SECONDS / HTTP_CONNECTIONS set the HTTP load runs (default 1 s, 3 s, 1,16,64);
#        GRPC_WARMUP / GRPC_SECONDS / GRPC_CONNECTIONS the gRPC ones (concurrent calls or streams);
#        LARGE_MIB (1,64), LARGE_CONCURRENCY (1,4), LARGE_WARMUP (1), LARGE_SECONDS (3) the large tensors;
#        OPEN_CONCURRENCY (16) and OPEN_FRACTIONS (0.25,0.5 of the echo's closed-loop throughput) the open loop;
#        BENCH_JVM the load runs' JVM: a fixed 3 GiB heap, touched at start so that RSS differences between rows are
#                  what lies outside the heap (direct buffers, native memory), and room for 64 MiB at concurrency 4;
#        DIRECT_ITERATIONS / DIRECT_WARMUP set the direct C loop on the double (default 200000, 20000);
#        MVN_FLAGS extra Maven flags (e.g. -o offline).
# Needs gcc: the native core's benchmarks run on our C test double of libtritonserver (bundles/core/src/test/c).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
mkdir -p bench/target
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -DskipTests package dependency:build-classpath -pl bench -am \
    -Dmdep.outputFile="$PWD/bench/target/classpath.txt" -Dmdep.includeScope=runtime
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
# the C test double (the same gcc command as bundles/core's build) and the direct C API loop linked against it
mkdir -p bench/target/native
gcc -shared -fPIC -O2 -pthread -o bench/target/native/libtritonserver.so bundles/core/src/test/c/tritonserver_double.c
gcc -O2 -pthread -Ibundles/core/src/test/c -o bench/target/direct_loop bench/src/main/c/direct_loop.c \
    -Lbench/target/native -ltritonserver -Wl,-rpath,"$PWD/bench/target/native"
export TRITONOSGI_CORE_DOUBLE="$PWD/bench/target/native/libtritonserver.so"
# shellcheck disable=SC2206
jvm=(${BENCH_JVM:--Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=3g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
jvm+=(-Dbench.large.mib="${LARGE_MIB:-1,64}" -Dbench.large.concurrency="${LARGE_CONCURRENCY:-1,4}"
      -Dbench.large.warmup="${LARGE_WARMUP:-1}" -Dbench.large.seconds="${LARGE_SECONDS:-3}"
      -Dbench.open.concurrency="${OPEN_CONCURRENCY:-16}" -Dbench.open.fractions="${OPEN_FRACTIONS:-0.25,0.5}")

if [[ "${LONG:-0}" == 1 ]]; then
    echo "== long mode: ${LONG_REQUESTS:-1000000} requests per scenario, RSS at start and end (one JVM)"
    java "${jvm[@]}" -cp "$cp" org.tritonosgi.bench.LongRun "${LONG_REQUESTS:-1000000}" "${LONG_CONCURRENCY:-16}" \
        | tee bench/target/long.md
    echo "long mode took $(( $(date +%s) - started )) s"
    exit 0
fi

echo "== native core: the TRITONSERVER C API called directly in C on the double (sequential, [1,16] FP32 identity)"
bench/target/direct_loop "${DIRECT_ITERATIONS:-200000}" "${DIRECT_WARMUP:-20000}" | tee bench/target/direct_loop.txt
echo "== HTTP: our frontend vs a bare Netty echo of the same bytes (loopback, servers and load in one JVM)"
java "${jvm[@]}" -cp "$cp" org.tritonosgi.bench.HttpBench "${HTTP_WARMUP:-1}" "${HTTP_SECONDS:-3}" \
    "${HTTP_CONNECTIONS:-1,16,64}" | tee bench/target/http.md
echo "== gRPC: our frontend vs a bare grpc-java echo of the same bytes (loopback, servers and load in one JVM)"
java "${jvm[@]}" -cp "$cp" org.tritonosgi.bench.GrpcBench "${GRPC_WARMUP:-1}" "${GRPC_SECONDS:-3}" \
    "${GRPC_CONNECTIONS:-1,16,64}" | tee bench/target/grpc.md
echo "== observability: HTTP throughput with tracing off, at rate 1000 and 1 (OTLP to a loopback collector), metrics scraped"
java "${jvm[@]}" -cp "$cp" org.tritonosgi.bench.ObservabilityCost "${HTTP_WARMUP:-1}" "${HTTP_SECONDS:-3}" 16 \
    | tee bench/target/observability.md
echo "== JMH micro benchmarks"
if [[ $# -eq 0 ]]; then
    set -- -wi 2 -w 1 -i 5 -r 1
fi
java -cp "$cp" org.openjdk.jmh.Main -prof gc -jvmArgsAppend -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -rf json -rff bench/target/jmh.json "$@" > bench/target/jmh.txt
python3 bench/jmh_table.py bench/target/jmh.json bench/target/direct_loop.txt | tee bench/target/micro.md
{
    echo "## HTTP"; cat bench/target/http.md
    echo "## gRPC"; cat bench/target/grpc.md
    echo "## Micro benchmarks"; cat bench/target/micro.md
} > bench/target/results.md
echo "suite took $(( $(date +%s) - started )) s; tables in bench/target/results.md"
