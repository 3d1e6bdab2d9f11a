package org.tritonosgi.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tritonosgi.http.internal.HttpServer;
import org.tritonosgi.http.internal.HttpSettings;

/**
 * Our HTTP frontend against a bare Netty HTTP echo of the same request bytes, in one run: identity FP32[1,16] in
 * JSON and binary on (a) the embedded engine and (b) the native core on the C double, BYTES "Roger Roger" in JSON,
 * FP32 tensors of 1 MiB and 64 MiB in binary (closed loop), and FP32[1,16] binary in an open loop at a fraction of
 * the echo's closed-loop throughput. (b) rows reuse the echo run of the matching (a) row: the bytes differ only in
 * the model name of the path. Prints Markdown tables; see {@link Plan} for the arguments.
 */
public final class HttpBench {

    static final String JSON = "JSON FP32[1,16]";
    static final String BINARY = "binary FP32[1,16]";
    static final String BYTES = "JSON BYTES[1,1] \"Roger Roger\"";
    static final String EMBEDDED = ", embedded engine";
    static final String NATIVE = ", native core on the C double";

    private HttpBench() {
    }

    public static void main(String[] args) throws Exception {
        List<LoadResult.Row> rows = run(Plan.fromArgs(args));
        System.out.println(table(rows));
    }

    static List<LoadResult.Row> run(Plan plan) throws Exception {
        List<LoadResult.Row> rows = new ArrayList<>();
        try (Engines engines = Engines.start(); EchoServer echo = new EchoServer(2)) {
            // 128 MiB: the 64 MiB tensor and its JSON header must fit under max.input.size
            HttpServer embedded = new HttpServer(engines.embedded,
                    HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2, 1 << 27));
            HttpServer core = new HttpServer(engines.core,
                    HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2, 1 << 27));
            embedded.start();
            core.start();
            try {
                int ours = embedded.localAddress().getPort();
                int native_ = core.localAddress().getPort();
                HttpLoad.Request binary = binary(Engines.FP32, 16);
                // one warm-up of every side before any row, so that the first row does not pay the client's JIT
                int most = java.util.Arrays.stream(plan.concurrency()).max().orElse(1);
                for (int port : new int[] {ours, native_, echo.port()}) {
                    HttpLoad.run(port, port == native_ ? binary(Engines.CORE_IDENTITY, 16) : binary,
                            LoadSpec.closed(most, plan.warmup(), plan.measure().dividedBy(10)));
                }
                LoadResult openEcho = null;
                for (int n : plan.concurrency()) {
                    LoadSpec load = plan.closed(n);
                    rows.add(new LoadResult.Row(JSON + EMBEDDED, load.label(),
                            HttpLoad.run(ours, json(Engines.FP32), load),
                            HttpLoad.run(echo.port(), json(Engines.FP32), load)));
                    LoadResult jsonEcho = rows.get(rows.size() - 1).echo();
                    rows.add(new LoadResult.Row(BINARY + EMBEDDED, load.label(), HttpLoad.run(ours, binary, load),
                            HttpLoad.run(echo.port(), binary, load)));
                    LoadResult binaryEcho = rows.get(rows.size() - 1).echo();
                    rows.add(new LoadResult.Row(JSON + NATIVE, load.label(),
                            HttpLoad.run(native_, json(Engines.CORE_IDENTITY), load), jsonEcho));
                    rows.add(new LoadResult.Row(BINARY + NATIVE, load.label(),
                            HttpLoad.run(native_, binary(Engines.CORE_IDENTITY, 16), load), binaryEcho));
                    rows.add(new LoadResult.Row(BYTES + EMBEDDED, load.label(), HttpLoad.run(ours, bytes(), load),
                            HttpLoad.run(echo.port(), bytes(), load)));
                    if (n == plan.openAt()) {
                        openEcho = binaryEcho;
                    }
                }
                for (int mib : plan.largeMiB()) {
                    HttpLoad.Request large = binary(Engines.FP32_ANY, mib * (1 << 20) / 4);
                    for (int n : plan.largeConcurrency()) {
                        LoadSpec load = plan.large(n);
                        rows.add(new LoadResult.Row(large(mib) + EMBEDDED, load.label(),
                                HttpLoad.run(ours, large, load), HttpLoad.run(echo.port(), large, load)));
                    }
                }
                for (double fraction : openEcho == null ? new double[0] : plan.openFractions()) {
                    LoadSpec load = plan.open(openEcho.throughput(), fraction);
                    rows.add(new LoadResult.Row(BINARY + EMBEDDED, load.label(), HttpLoad.run(ours, binary, load),
                            HttpLoad.run(echo.port(), binary, load)));
                }
            } finally {
                core.stop();
                embedded.stop();
            }
        }
        return rows;
    }

    static String large(int mib) {
        return "binary FP32[1," + mib * (1 << 20) / 4 + "] (" + mib + " MiB)";
    }

    static HttpLoad.Request json(String model) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            data.append(i == 0 ? "" : ",").append(i + 0.5);
        }
        return new HttpLoad.Request(path(model), ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,16],\"datatype\":"
                + "\"FP32\",\"data\":[" + data + "]}]}").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** As tritonclient.http sends it: FP32 [1,elements] as binary data after the JSON header, binary outputs. */
    static HttpLoad.Request binary(String model, int elements) {
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1," + elements + "],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":" + elements * 4 + "}}],\"parameters\":"
                + "{\"binary_data_output\":true}}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(header.length + elements * 4).order(ByteOrder.LITTLE_ENDIAN)
                .put(header);
        for (int i = 0; i < elements; i++) {
            body.putFloat(i + 0.5f);
        }
        return new HttpLoad.Request(path(model), body.array(),
                Map.of("Inference-Header-Content-Length", Integer.toString(header.length)));
    }

    static HttpLoad.Request bytes() {
        return new HttpLoad.Request(path(Engines.BYTES), ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],"
                + "\"datatype\":\"BYTES\",\"data\":[\"Roger Roger\"]}]}").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String path(String model) {
        return "/v2/models/" + model + "/infer";
    }

    static String table(List<LoadResult.Row> rows) {
        return LoadResult.table(rows);
    }
}
