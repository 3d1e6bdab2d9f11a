package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.tritonosgi.itests.TritonKaraf.await;
import static org.tritonosgi.itests.TritonKaraf.listening;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Hashtable;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A backend from another bundle inside Karaf (issue 15): the example feature {@code triton-example-normalize}
 * provides {@code image_normalize}; an ensemble [image_normalize -> ONNX MatMul -> identity] is served over HTTP by
 * an engine of its own; stopping the backend's bundle makes the models UNAVAILABLE naming the backend, starting it
 * brings them back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendBundleIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Y = MatMul(X, [[1, 2], [3, 4]]), X FP32 [batch, 2]: written by the embedded bundle's test ONNX writer. */
    private static final String MATMUL_ONNX = "CAgSEHRyaXRvbm9zZ2ktdGVzdHM6ZAoRCgFYCgFXEgFZIgZNYXRNdWwSBHRlc3QqGwgCCAIQAUIB"
            + "V0oQAACAPwAAAEAAAEBAAACAQFoVCgFYEhAKDggBEgoKBBICZDAKAggCYhUKAVkSEAoOCAESCgoEEgJkMAoCCAJCBAoAEBE=";

    private static final String INFER = "{\"inputs\":[{\"name\":\"IMAGE\",\"datatype\":\"UINT8\",\"shape\":[1,2],"
            + "\"data\":[255,0]}]}";

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return TritonKaraf.distribution();
    }

    private HttpResponse<String> send(int port, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request to " + path + " on port " + port + " failed: " + e, e);
        }
    }

    private boolean modelReady(int port, String model) {
        return listening(port) && send(port, "/v2/models/" + model + "/versions/1/ready", null).statusCode() == 200;
    }

    private static void write(Path repository, String model, String config) throws Exception {
        Files.createDirectories(repository.resolve(model).resolve("1"));
        Files.writeString(repository.resolve(model).resolve("config.pbtxt"), config);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    @Test
    public void anEnsembleThroughABackendBundleFollowsTheBundle() throws Exception {
        Path repository = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "ensemble-models");
        write(repository, "normalize", """
                backend: "image_normalize"
                max_batch_size: 8
                input [ { name: "PIXELS" data_type: TYPE_UINT8 dims: [ 2 ] } ]
                output [ { name: "VALUES" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        write(repository, "matmul", """
                backend: "onnxruntime"
                max_batch_size: 8
                input [ { name: "X" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "Y" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        Files.write(repository.resolve("matmul/1/model.onnx"), Base64.getDecoder().decode(MATMUL_ONNX));
        write(repository, "post", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        write(repository, "preprocessed", """
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "IMAGE" data_type: TYPE_UINT8 dims: [ 2 ] } ]
                output [ { name: "RESULT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "normalize" input_map { key: "PIXELS" value: "IMAGE" }
                    output_map { key: "VALUES" value: "V" } },
                  { model_name: "matmul" input_map { key: "X" value: "V" } output_map { key: "Y" value: "M" } },
                  { model_name: "post" input_map { key: "INPUT0" value: "M" } output_map { key: "OUTPUT0" value: "RESULT" } }
                ] }
                """);
        int port = TritonKaraf.port(TritonKaraf.SPARE_PORT);
        var noRefresh = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);
        org.osgi.service.cm.Configuration engine =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.embedded.instance", "ensembles", "?");
        org.osgi.service.cm.Configuration frontend =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.http.instance", "ensembles", "?");
        try {
            Hashtable<String, Object> engineProperties = new Hashtable<>();
            engineProperties.put("server.id", "ensembles");
            engineProperties.put("model.repository", repository.toString());
            engineProperties.put("exit.timeout", 5);
            engine.update(engineProperties);
            Hashtable<String, Object> frontendProperties = new Hashtable<>();
            frontendProperties.put("address", "127.0.0.1");
            frontendProperties.put("port", port);
            frontendProperties.put("server.target", "(server.id=ensembles)");
            frontend.update(frontendProperties);
            await("the ensembles engine's frontend listens on port " + port, TIMEOUT, () -> listening(port));
            await("the ONNX step is ready", TIMEOUT, () -> modelReady(port, "matmul"));
            String before = send(port, "/v2/repository/index", "{}").body();
            assertTrue(before, before.contains("backend 'image_normalize' of model 'normalize' is not available"));

            features.installFeature("triton-example-normalize", noRefresh);
            await("the ensemble is ready once the backend bundle runs", TIMEOUT,
                    () -> modelReady(port, "preprocessed"));
            HttpResponse<String> answer = send(port, "/v2/models/preprocessed/infer", INFER);
            assertEquals(answer.body(), 200, answer.statusCode());
            // [255, 0] -> [1, 0] -> [1, 0] x [[1, 2], [3, 4]] = [1, 2]
            assertTrue(answer.body(), answer.body().contains("\"outputs\":[{\"name\":\"RESULT\",\"datatype\":\"FP32\","
                    + "\"shape\":[1,2],\"data\":[1.0,2.0]}]"));

            Bundle backend = bundle("org.tritonosgi.example.normalize");
            backend.stop();
            await("the ensemble goes unavailable when the backend bundle stops", TIMEOUT,
                    () -> !modelReady(port, "preprocessed"));
            String index = send(port, "/v2/repository/index", "{}").body();
            assertTrue(index, index.contains("backend 'image_normalize' is no longer available"));
            HttpResponse<String> refused = send(port, "/v2/models/preprocessed/infer", INFER);
            assertTrue(refused.body(), refused.statusCode() >= 400
                    && refused.body().contains("composing model 'normalize'")
                    && refused.body().contains("image_normalize"));

            backend.start();
            await("the ensemble is ready again when the bundle starts", TIMEOUT,
                    () -> modelReady(port, "preprocessed"));
            assertEquals(200, send(port, "/v2/models/preprocessed/infer", INFER).statusCode());
        } finally {
            frontend.delete();
            engine.delete();
            if (features.isInstalled(features.getFeature("triton-example-normalize"))) {
                features.uninstallFeature("triton-example-normalize", noRefresh);
            }
        }
        await("deleting the configurations closes port " + port, TIMEOUT, () -> !listening(port));
    }
}
