package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests under deploy/ (no cluster here, and no schema validator on Maven Central or in Debian): every
 * document parses and names its kind; the objects refer to each other consistently (selectors, port names, the
 * HPA's target and metric, the grace period against preStop and exit.timeout); every ORG_TRITONOSGI_* variable names
 * a property the distribution ships; and every probe path and port, and the ServiceMonitor's scrape, answer on
 * the running distribution started with the manifests' own environment.
 */
public class KubernetesManifestsIT {

    private static final Path DEPLOY = Path.of("..", "deploy");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents() throws Exception {
        List<Map<String, Object>> documents = new ArrayList<>();
        List<Path> files;
        try (var paths = Files.walk(DEPLOY)) {
            files = paths.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue("manifests under " + DEPLOY.toAbsolutePath(), files.size() >= 8);
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file)) {
                for (Object document : new Yaml().loadAll(reader)) {
                    assertTrue(file + " holds mappings", document instanceof Map);
                    Map<String, Object> map = (Map<String, Object>) document;
                    map.put("__file", file.toString());
                    documents.add(map);
                }
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof List<?> list && key.matches("\\d+")) {
                current = list.get(Integer.parseInt(key));
            } else {
                return null;
            }
        }
        return (T) current;
    }

    private static Map<String, Object> one(List<Map<String, Object>> documents, String kind) {
        List<Map<String, Object>> found = documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals("one " + kind, 1, found.size());
        return found.get(0);
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    @Test
    public void everyDocumentParsesAndTheObjectsReferToEachOther() throws Exception {
        List<Map<String, Object>> documents = documents();
        for (Map<String, Object> document : documents) {
            String where = document.get("__file") + " " + document.get("kind");
            assertNotNull(where + ": apiVersion", document.get("apiVersion"));
            assertNotNull(where + ": kind", document.get("kind"));
            if (!"Kustomization".equals(document.get("kind"))) {
                assertNotNull(where + ": metadata.name", at(document, "metadata", "name"));
            }
        }
        Set<String> kinds = new TreeSet<>();
        documents.forEach(d -> kinds.add((String) d.get("kind")));
        assertTrue("kinds " + kinds, kinds.containsAll(List.of("Deployment", "Service", "ServiceMonitor",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "ClusterServingRuntime", "ConfigMap")));

        Map<String, Object> deployment = one(documents, "Deployment");
        Map<String, Object> pod = at(deployment, "spec", "template");
        Map<String, Object> podLabels = at(pod, "metadata", "labels");
        assertTrue("the Deployment selects its pods", selects(at(deployment, "spec", "selector", "matchLabels"),
                podLabels));
        Map<String, Object> container = at(pod, "spec", "containers", "0");
        Map<String, Integer> containerPorts = new HashMap<>();
        for (Map<String, Object> port : List.<Map<String, Object>>copyOf(at(container, "ports"))) {
            containerPorts.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertEquals(Map.of("http", 8000, "grpc", 8001, "metrics", 8002), containerPorts);

        Map<String, Set<String>> servicePorts = new HashMap<>();
        for (Map<String, Object> service : documents.stream().filter(d -> "Service".equals(d.get("kind"))).toList()) {
            String name = at(service, "metadata", "name");
            assertTrue(name + " selects the pods", selects(at(service, "spec", "selector"), podLabels));
            Set<String> names = new TreeSet<>();
            for (Map<String, Object> port : List.<Map<String, Object>>copyOf(at(service, "spec", "ports"))) {
                assertTrue(name + " targets a container port by name: " + port,
                        containerPorts.containsKey(port.get("targetPort")));
                names.add((String) port.get("name"));
            }
            servicePorts.put(name, names);
        }
        assertTrue("a Service for HTTP and one for gRPC: " + servicePorts, servicePorts.values().stream()
                .anyMatch(p -> p.contains("http")) && servicePorts.values().stream().anyMatch(p -> p.contains("grpc")));

        Map<String, Object> monitor = one(documents, "ServiceMonitor");
        String scraped = at(monitor, "spec", "endpoints", "0", "port");
        assertTrue("the ServiceMonitor scrapes a Service port named " + scraped, documents.stream()
                .filter(d -> "Service".equals(d.get("kind")))
                .anyMatch(s -> selects(at(monitor, "spec", "selector", "matchLabels"), at(s, "metadata", "labels"))
                        && servicePorts.get((String) at(s, "metadata", "name")).contains(scraped)));
        assertEquals("metrics", scraped);

        Map<String, Object> budget = one(documents, "PodDisruptionBudget");
        assertTrue("the PodDisruptionBudget selects the pods", selects(at(budget, "spec", "selector", "matchLabels"),
                podLabels));

        Map<String, Object> hpa = one(documents, "HorizontalPodAutoscaler");
        assertEquals("Deployment", (Object) at(hpa, "spec", "scaleTargetRef", "kind"));
        assertEquals((Object) at(deployment, "metadata", "name"), (Object) at(hpa, "spec", "scaleTargetRef", "name"));
        String metric = at(hpa, "spec", "metrics", "0", "pods", "metric", "name");
        String rules = at(one(documents, "ConfigMap"), "data", "config.yaml");
        Map<String, Object> rule = at(new Yaml().load(rules), "rules", "0");
        assertEquals("the adapter rule serves the HPA's metric", metric, (Object) at(rule, "name", "as"));
        String query = (String) rule.get("metricsQuery");
        assertTrue(query, query.contains("nv_inference_queue_duration_us")
                && query.contains("nv_inference_request_success"));

        Map<String, String> env = environment(container);
        int grace = at(pod, "spec", "terminationGracePeriodSeconds");
        int preStop = at(container, "lifecycle", "preStop", "sleep", "seconds");
        int exitTimeout = Integer.parseInt(env.get("ORG_TRITONOSGI_EMBEDDED_EXIT_TIMEOUT"));
        assertTrue("terminationGracePeriodSeconds " + grace + " > preStop " + preStop + " + exit.timeout "
                + exitTimeout, grace > preStop + exitTimeout);
        long age = Long.parseLong(env.get("ORG_TRITONOSGI_GRPC_MAX_CONNECTION_AGE_MS"));
        assertTrue("gRPC connections age, so they rebalance", age > 0 && age < Integer.MAX_VALUE);

        Map<String, Object> runtime = one(documents, "ClusterServingRuntime");
        assertEquals(List.of("v2", "grpc-v2"), (Object) at(runtime, "spec", "protocolVersions"));
        assertEquals("/mnt/models", environment(at(runtime, "spec", "containers", "0"))
                .get("ORG_TRITONOSGI_EMBEDDED_MODEL_REPOSITORY"));
    }

    private static Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> variable : List.<Map<String, Object>>copyOf(at(container, "env"))) {
            env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
        }
        return env;
    }

    @Test
    public void everyProbeAndTheScrapeAnswerOnTheDistributionStartedWithTheManifestsEnvironment() throws Exception {
        List<Map<String, Object>> documents = documents();
        Map<String, Object> deployment = one(documents, "Deployment");
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");
        Map<String, Object> runtime = at(one(documents, "ClusterServingRuntime"), "spec", "containers", "0");
        try (Distribution karaf = new Distribution("manifests-it")) {
            Map<String, Set<String>> pids = ShippedMetatype.singletonPids(karaf.home);
            Map<String, String> known = new HashMap<>();
            pids.forEach((pid, keys) -> keys.forEach(key -> known.put(ShippedMetatype.environmentVariable(pid, key),
                    pid + " " + key)));
            for (Map<String, Object> c : List.of(container, runtime)) {
                for (String name : environment(c).keySet()) {
                    assertTrue(name + " names a shipped PID property", !name.startsWith("ORG_TRITONOSGI_")
                            || known.containsKey(name));
                }
            }
            // the Deployment's environment, less what points outside this machine: ports stay the free ones the
            // distribution was given, the repository is its own
            environment(container).forEach((name, value) -> {
                if (name.startsWith("ORG_TRITONOSGI_") && !name.endsWith("_PORT")
                        && !name.equals("ORG_TRITONOSGI_EMBEDDED_MODEL_REPOSITORY")) {
                    karaf.environment.put(name, value);
                }
            });
            karaf.start(Duration.ofSeconds(120));

            // container port -> where that port listens here
            Map<Integer, Integer> local = Map.of(8000, karaf.httpPort, 8001, karaf.grpcPort, 8002, karaf.metricsPort,
                    Integer.parseInt(environment(runtime).get("ORG_TRITONOSGI_HTTP_PORT")), karaf.httpPort);
            Map<String, Integer> named = new HashMap<>();
            for (Map<String, Object> port : List.<Map<String, Object>>copyOf(at(container, "ports"))) {
                named.put((String) port.get("name"), (Integer) port.get("containerPort"));
            }
            List<String> checked = new ArrayList<>();
            for (Map<String, Object> c : List.of(container, runtime)) {
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    Map<String, Object> get = at(c, probe, "httpGet");
                    if (get == null) {
                        continue;
                    }
                    Object port = get.get("port");
                    int containerPort = port instanceof Integer number ? number : named.get((String) port);
                    Integer here = local.get(containerPort);
                    assertNotNull(c.get("name") + " " + probe + " port " + port + " is one the distribution serves",
                            here);
                    HttpResponse<String> response = get(here, (String) get.get("path"));
                    assertEquals(c.get("name") + " " + probe + " " + get.get("path"), 200, response.statusCode());
                    checked.add(c.get("name") + " " + probe + " " + get.get("path") + " on " + port);
                }
            }
            assertEquals("probes checked: " + checked, 5, checked.size());

            String path = at(one(documents, "ServiceMonitor"), "spec", "endpoints", "0", "path");
            int metricsHere = local.get(named.get("metrics"));
            // HTTP's readiness says nothing of the metrics bundle, which may activate a moment later (as in a pod,
            // where Prometheus simply scrapes again)
            TritonKaraf.await("metrics answer on " + metricsHere + path, Duration.ofSeconds(60),
                    () -> TritonKaraf.listening(metricsHere));
            HttpResponse<String> scrape = get(metricsHere, path);
            assertEquals(200, scrape.statusCode());
            for (String family : List.of("nv_inference_queue_duration_us", "nv_inference_request_success")) {
                assertTrue("the scrape has " + family + ", which the HPA's rule uses", scrape.body()
                        .contains("# TYPE " + family + " "));
            }
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
