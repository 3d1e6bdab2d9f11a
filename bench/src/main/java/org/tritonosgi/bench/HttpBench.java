package org.tritonosgi.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.http.internal.HttpServer;
import org.tritonosgi.http.internal.HttpSettings;

/**
 * Our HTTP infer (identity FP32[1,16] on the embedded engine, JSON and binary tensors) against a bare Netty HTTP
 * echo of the same request bytes, at 1, 16 and 64 connections, in one run; prints a Markdown table of ratios.
 * Usage: HttpBench [warm-up seconds] [measured seconds] [connections,...]
 */
public final class HttpBench {

    private HttpBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration warmup = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 2);
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int[] connections = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt)
                .toArray() : new int[] {1, 16, 64};
        List<LoadResult.Row> rows = run(warmup, measure, connections);
        System.out.println(table(rows));
    }

    public static List<LoadResult.Row> run(Duration warmup, Duration measure, int... connections) throws Exception {
        Path repo = Files.createTempDirectory("tritonosgi-http-bench");
        Files.createDirectories(repo.resolve("identity_fp32/1"));
        Files.writeString(repo.resolve("identity_fp32/config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                """);
        List<LoadResult.Row> rows = new ArrayList<>();
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)), "bench");
        HttpServer ours = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2, 1 << 26));
        ours.start();
        try (EchoServer echo = new EchoServer(2)) {
            String path = "/v2/models/identity_fp32/infer";
            for (int n : connections) {
                byte[] json = jsonBody();
                rows.add(new LoadResult.Row("identity FP32[1,16] JSON", n,
                        HttpLoad.run(ours.localAddress().getPort(), path, json, Map.of(), n, warmup, measure),
                        HttpLoad.run(echo.port(), path, json, Map.of(), n, warmup, measure)));
                byte[][] binary = binaryBody();
                Map<String, String> headers = Map.of("Inference-Header-Content-Length",
                        Integer.toString(binary[1].length));
                rows.add(new LoadResult.Row("identity FP32[1,16] binary", n,
                        HttpLoad.run(ours.localAddress().getPort(), path, binary[0], headers, n, warmup, measure),
                        HttpLoad.run(echo.port(), path, binary[0], headers, n, warmup, measure)));
            }
        } finally {
            ours.stop();
            engine.deactivate();
        }
        return rows;
    }

    private static byte[] jsonBody() {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            data.append(i == 0 ? "" : ",").append(i + 0.5);
        }
        return ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[" + data
                + "]}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** The whole body, and the JSON header alone (for Inference-Header-Content-Length). */
    private static byte[][] binaryBody() {
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,16],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":64}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(header.length + 64).order(ByteOrder.LITTLE_ENDIAN).put(header);
        for (int i = 0; i < 16; i++) {
            body.putFloat(i + 0.5f);
        }
        return new byte[][] {body.array(), header};
    }

    static String table(List<LoadResult.Row> rows) {
        return LoadResult.table("conns", rows);
    }
}
