package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.TritonException;

/**
 * triton:status — every registered Triton server, and every HTTP, gRPC and metrics frontend as Declarative
 * Services reports it (the frontends register no service, so their configuration and state come from SCR).
 */
@Service
@Command(scope = "triton", name = "status", description = "Shows the Triton servers (live, ready, version) and "
        + "the HTTP, gRPC and metrics frontends (state, address, bound server)")
public class StatusCommand extends TritonAction {

    /** Frontend component names and how the table calls them. */
    static final Map<String, String> FRONTENDS = Map.of(
            "org.tritonosgi.http.internal.HttpFrontend", "http",
            "org.tritonosgi.grpc.internal.GrpcFrontend", "grpc",
            "org.tritonosgi.http.instance", "http",
            "org.tritonosgi.grpc.instance", "grpc",
            "org.tritonosgi.metrics.internal.MetricsFrontend", "metrics");

    @Reference
    List<InferenceServer> servers;

    @Reference(optional = true)
    ServiceComponentRuntime scr;

    @Override
    void execute(PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("No Triton server or frontend is installed");
        table.column("Type");
        table.column("Name");
        table.column("State");
        table.column("Address");
        table.column("Server");
        table.column("Details");
        List<InferenceServer> snapshot = servers == null ? List.of() : List.copyOf(servers);
        for (InferenceServer server : snapshot.stream().sorted(Comparator.comparing(InferenceServer::id)).toList()) {
            engineRow(table, server);
        }
        if (scr != null) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs().stream()
                    .filter(d -> FRONTENDS.containsKey(d.name))
                    .sorted(Comparator.comparing((ComponentDescriptionDTO d) -> FRONTENDS.get(d.name))
                            .thenComparing(d -> "require".equals(d.configurationPolicy))
                            .thenComparing(d -> d.name)).toList()) {
                frontendRows(table, description);
            }
        }
        table.print(out);
        if (scr == null) {
            out.println("Declarative Services runtime not available: frontends not shown");
        }
    }

    private static void engineRow(ShellTable table, InferenceServer server) {
        String state;
        String details;
        try {
            state = server.isLive() ? (server.isReady() ? "READY" : "LIVE, NOT READY") : "NOT LIVE";
            ServerMetadata metadata = server.metadata();
            long ready = server.index(true).size();
            details = metadata.name() + " " + metadata.version() + ", " + ready + " model version(s) ready";
        } catch (TritonException e) {
            state = "UNAVAILABLE";
            details = e.getMessage();
        }
        table.addRow().addContent("server", server.id(), state, "in-process", server.id(), details);
    }

    private void frontendRows(ShellTable table, ComponentDescriptionDTO description) {
        String type = FRONTENDS.get(description.name);
        List<ComponentConfigurationDTO> configurations = List.copyOf(scr.getComponentConfigurationDTOs(description));
        if (configurations.isEmpty() && "require".equals(description.configurationPolicy)) {
            return; // a factory of extra frontends with no configuration yet: nothing to show
        }
        if (configurations.isEmpty()) {
            table.addRow().addContent(type, pid(description),
                    scr.isComponentEnabled(description) ? "NO CONFIGURATION" : "DISABLED",
                    address(description.properties), "", target(description.properties));
            return;
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            Map<String, Object> properties = configuration.properties;
            // a configuration from Config Admin brings its service.pid; without one the component runs on defaults
            Object pid = properties.get("service.pid");
            String details = configuration.failure != null && !configuration.failure.isEmpty()
                    ? configuration.failure : target(properties);
            table.addRow().addContent(type, pid != null ? text(pid) : pid(description) + " (defaults)",
                    state(configuration.state), address(properties), boundServer(configuration), details);
        }
    }

    private static String pid(ComponentDescriptionDTO description) {
        return description.configurationPid.length > 0 ? description.configurationPid[0] : description.name;
    }

    static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "WAITING FOR SERVER";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED CONFIGURATION";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED";
            default -> "STATE " + state;
        };
    }

    private static String address(Map<String, Object> properties) {
        Object address = properties.get("address");
        Object port = properties.get("port");
        return (address == null ? "" : text(address)) + (port == null ? "" : ":" + text(port));
    }

    private static String target(Map<String, Object> properties) {
        Object target = properties.get("server.target");
        return target == null ? "" : "server.target " + text(target);
    }

    private static String boundServer(ComponentConfigurationDTO configuration) {
        for (SatisfiedReferenceDTO reference : configuration.satisfiedReferences) {
            if ("server".equals(reference.name)) {
                for (ServiceReferenceDTO bound : reference.boundServices) {
                    Object id = bound.properties.get(InferenceServer.SERVER_ID_PROPERTY);
                    if (id != null) {
                        return text(id);
                    }
                }
            }
        }
        return "";
    }

    private static String text(Object value) {
        return value instanceof Object[] array ? String.join(",", Arrays.stream(array)
                .map(String::valueOf).toList()) : String.valueOf(value);
    }
}
