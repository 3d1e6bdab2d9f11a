package org.tritonosgi.grpc.internal;

import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.trace.Tracing;
import org.tritonosgi.api.frontend.FactoryPids;

/**
 * One more KServe gRPC frontend, created for each factory configuration of {@value #FACTORY_PID} (for
 * example one public and one restricted frontend, or one per engine chosen with {@code server.target}). It takes
 * the same properties as PID {@code org.tritonosgi.grpc} and behaves the same way; only the
 * PID named in error messages differs.
 */
@Component(name = GrpcFrontendInstance.FACTORY_PID, service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = GrpcConfig.class, factory = true)
public final class GrpcFrontendInstance {

    static final String FACTORY_PID = "org.tritonosgi.grpc.instance";

    private final GrpcServer server;

    @Activate
    public GrpcFrontendInstance(GrpcConfig config, Map<String, Object> properties,
            @Reference(name = "server") InferenceServer inferenceServer) {
        try {
            this.server = GrpcFrontend.start(GrpcSettings.from(config), inferenceServer);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw FactoryPids.renamed(e, GrpcSettings.PID, String.valueOf(properties.get(Constants.SERVICE_PID)));
        }
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
        GrpcFrontend.stop(server);
    }
}
