package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/**
 * An engine (the embedded one over a model repository, or any {@link InferenceServer} given with the action that
 * stops it), our HTTP server on a free loopback port, and a real client.
 */
final class HttpFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final InferenceServer engine;
    private final Runnable stopEngine;
    final HttpServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String base;

    HttpFixture(Settings engineSettings, UnaryOperator<HttpSettings> http) {
        this(new EmbeddedInferenceServer(engineSettings, "1.2.3"), http);
    }

    private HttpFixture(EmbeddedInferenceServer engine, UnaryOperator<HttpSettings> http) {
        this(engine, engine::deactivate, http);
    }

    /** Serves {@code engine}; {@link #close()} stops the HTTP server, then runs {@code stopEngine}. */
    HttpFixture(InferenceServer engine, Runnable stopEngine, UnaryOperator<HttpSettings> http) {
        this.engine = engine;
        this.stopEngine = stopEngine;
        server = new HttpServer(engine, http.apply(HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2,
                1 << 20)));
        try {
            server.start();
        } catch (RuntimeException e) {
            stopEngine.run();
            throw e;
        }
        base = "http://127.0.0.1:" + server.localAddress().getPort();
    }

    HttpFixture(Path repo) {
        this(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)), http -> http);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            stopEngine.run();
        }
    }

    int port() {
        return server.localAddress().getPort();
    }

    static void model(Path repo, String name, String config) {
        try {
            Files.createDirectories(repo.resolve(name).resolve("1"));
            Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = request(path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    HttpResponse<byte[]> post(String path, String json, String... headers) throws Exception {
        return post(path, json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** One HTTP/1.1 response read off a socket: its status, its head (status line and headers) and its body. */
    record RawResponse(int status, String head, byte[] body) {
    }

    /** Reads one HTTP/1.1 response with a Content-Length from the stream. */
    static RawResponse readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a response head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        String headers = text.toLowerCase();
        int at = headers.indexOf("content-length:");
        int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        return new RawResponse(Integer.parseInt(text.substring(9, 12)), text, in.readNBytes(length));
    }

    /** Reads one HTTP/1.1 response with a Content-Length from the stream and returns its body. */
    static byte[] readResponseBody(InputStream in) throws IOException {
        return readResponse(in).body();
    }

    static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static void assertError(HttpResponse<byte[]> response, int status, String... fragments) throws IOException {
        assertEquals(status, response.statusCode(), text(response));
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        String message = json(response).get("error").asText();
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + message + "' should contain '" + fragment + "'");
        }
    }
}
