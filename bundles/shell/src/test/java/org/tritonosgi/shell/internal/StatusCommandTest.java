package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.shell.internal.ShellFixture.rows;
import static org.tritonosgi.shell.internal.ShellFixture.run;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/** triton:status: a real engine, and frontends as SCR's DTOs describe them. */
class StatusCommandTest {

    @TempDir
    static Path repo;

    private static ShellFixture triton;

    @BeforeAll
    static void start() {
        ShellFixture.repository(repo);
        triton = new ShellFixture(repo, "triton", "identity");
    }

    @AfterAll
    static void stop() {
        triton.close();
    }

    private static ComponentDescriptionDTO description(String name, String pid, Map<String, Object> defaults) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.configurationPid = new String[] {pid};
        description.properties = defaults;
        return description;
    }

    /** A factory of extra frontends: it needs a configuration and shows nothing until one exists. */
    private static ComponentDescriptionDTO factory(String name) {
        ComponentDescriptionDTO description = description(name, name, Map.of("address", "0.0.0.0"));
        description.configurationPolicy = "require";
        return description;
    }

    private static ComponentConfigurationDTO configuration(int state, Map<String, Object> properties,
            String boundServerId, String failure) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configuration.properties = properties;
        configuration.failure = failure;
        configuration.satisfiedReferences = new SatisfiedReferenceDTO[0];
        if (boundServerId != null) {
            SatisfiedReferenceDTO reference = new SatisfiedReferenceDTO();
            reference.name = "server";
            ServiceReferenceDTO bound = new ServiceReferenceDTO();
            bound.properties = Map.of("server.id", boundServerId);
            reference.boundServices = new ServiceReferenceDTO[] {bound};
            configuration.satisfiedReferences = new SatisfiedReferenceDTO[] {reference};
        }
        return configuration;
    }

    /** An SCR that knows these descriptions and their configurations; a description without any is disabled. */
    private static ServiceComponentRuntime scr(Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> known) {
        return (ServiceComponentRuntime) Proxy.newProxyInstance(StatusCommandTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> List.copyOf(known.keySet());
                    case "getComponentConfigurationDTOs" -> known.get(args[0]);
                    case "isComponentEnabled" -> !known.get(args[0]).isEmpty();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void showsTheEngineAndEveryFrontendConfigurationWithStateAddressAndServer() throws Exception {
        Map<String, Object> httpDefaults = Map.of("address", "0.0.0.0", "port", 8000,
                "server.target", "(server.id=*)");
        StatusCommand status = new StatusCommand();
        status.servers = List.of(triton.engine);
        status.scr = scr(Map.of(
                description("org.tritonosgi.http.internal.HttpFrontend", "org.tritonosgi.http", httpDefaults),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE, Map.of("service.pid",
                                "org.tritonosgi.http~public", "address", "0.0.0.0", "port", "8000",
                                "server.target", "(server.id=*)"), "triton", null),
                        configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, Map.of("service.pid",
                                "org.tritonosgi.http~restricted", "address", "127.0.0.1", "port", 9000,
                                "server.target", "(server.id=other)"), null, null)),
                description("org.tritonosgi.grpc.internal.GrpcFrontend", "org.tritonosgi.grpc", Map.of()),
                List.of(configuration(ComponentConfigurationDTO.FAILED_ACTIVATION, Map.of("address", "0.0.0.0",
                        "port", -1), null, "PID org.tritonosgi.grpc: invalid port -1")),
                description("org.tritonosgi.metrics.internal.MetricsFrontend", "org.tritonosgi.metrics",
                        Map.of("address", "0.0.0.0", "port", 8002, "server.target", "(server.id=*)")),
                List.of(),
                factory("org.tritonosgi.http.instance"),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE, Map.of("service.pid",
                        "org.tritonosgi.http.instance~admin", "address", "127.0.0.1", "port", 9100,
                        "server.target", "(server.id=triton)"), "triton", null)),
                factory("org.tritonosgi.grpc.instance"),
                List.of(),
                description("org.example.Unrelated", "org.example", Map.of()),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE, Map.of(), null, null))));

        String out = run(status).assertOk().out();

        assertTrue(out.startsWith("Type "), out);
        assertEquals(List.of(
                List.of("server", "triton", "READY", "in-process", "triton", "triton 1.2.3, 1 model version(s) ready"),
                List.of("grpc", "org.tritonosgi.grpc (defaults)", "FAILED", "0.0.0.0:-1", "",
                        "PID org.tritonosgi.grpc: invalid port -1"),
                List.of("http", "org.tritonosgi.http~public", "ACTIVE", "0.0.0.0:8000", "triton",
                        "server.target (server.id=*)"),
                List.of("http", "org.tritonosgi.http~restricted", "WAITING FOR SERVER", "127.0.0.1:9000", "",
                        "server.target (server.id=other)"),
                List.of("http", "org.tritonosgi.http.instance~admin", "ACTIVE", "127.0.0.1:9100", "triton",
                        "server.target (server.id=triton)"),
                List.of("metrics", "org.tritonosgi.metrics", "DISABLED", "0.0.0.0:8002", "",
                        "server.target (server.id=*)")), rows(out));
    }

    @Test
    void withoutDeclarativeServicesOnlyTheEnginesAreShown() throws Exception {
        StatusCommand status = new StatusCommand();
        status.servers = List.of(triton.engine);
        String out = run(status).assertOk().out();
        assertEquals(1, rows(out).size(), out);
        assertTrue(out.endsWith("Declarative Services runtime not available: frontends not shown\n"), out);
    }

    @Test
    void nothingInstalledSaysSo() throws Exception {
        StatusCommand status = new StatusCommand();
        status.servers = List.of();
        status.scr = scr(Map.of());
        String out = run(status).assertOk().out();
        assertEquals(List.of(), rows(out));
        assertTrue(out.endsWith("\nNo Triton server or frontend is installed\n"), out);
    }
}
