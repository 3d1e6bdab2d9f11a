package org.tritonosgi.grpc.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.trace.Tracing;

/**
 * The KServe gRPC frontend component. It holds a mandatory static reference to its InferenceServer, so it is
 * deactivated before that server's engine stops, and re-created (rebinding its port) when its configuration
 * changes, without touching the engine.
 */
@Component(service = {}, immediate = true, configurationPid = GrpcSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GrpcConfig.class)
public final class GrpcFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcFrontend.class);

    private final GrpcServer server;

    @Activate
    public GrpcFrontend(GrpcConfig config, @Reference(name = "server") InferenceServer inferenceServer) {
        this.server = start(GrpcSettings.from(config), inferenceServer);
    }

    /** Requests are traced while a Tracing service is registered (bound after construction, replaced live). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTracing(Tracing tracing) {
        server.tracing(tracing);
    }

    void unbindTracing(Tracing tracing) {
        server.untrace(tracing);
    }

    @Deactivate
    void deactivate() {
        stop(server);
    }

    static GrpcServer start(GrpcSettings settings, InferenceServer inferenceServer) {
        GrpcServer server = new GrpcServer(inferenceServer, settings);
        server.start();
        LOG.info("Triton gRPC frontend listening on {} for server '{}'", server.describe(), inferenceServer.id());
        return server;
    }

    static void stop(GrpcServer server) {
        String address = server.describe();
        server.stop();
        LOG.info("Triton gRPC frontend on {} stopped", address);
    }
}
