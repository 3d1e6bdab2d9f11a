package org.tritonosgi.http.internal;

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
 * The KServe HTTP frontend component. It holds a mandatory static reference to its InferenceServer, so it is
 * deactivated before that server's engine stops, and re-created (rebinding its port) when its configuration
 * changes, without touching the engine.
 */
@Component(service = {}, immediate = true, configurationPid = HttpSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpConfig.class)
public final class HttpFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontend.class);

    private final HttpServer server;

    @Activate
    public HttpFrontend(HttpConfig config, @Reference(name = "server") InferenceServer inferenceServer) {
        this.server = start(HttpSettings.from(config), inferenceServer);
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

    static HttpServer start(HttpSettings settings, InferenceServer inferenceServer) {
        HttpServer server = new HttpServer(inferenceServer, settings);
        server.start();
        HttpSettings.Tls tls = settings.tls();
        LOG.info("Triton HTTP frontend listening on {}://{}{} for server '{}'", tls == null ? "http" : "https",
                server.describe(), tls != null && tls.mutual() ? " with client certificates required" : "",
                inferenceServer.id());
        return server;
    }

    static void stop(HttpServer server) {
        String address = server.describe();
        server.stop();
        LOG.info("Triton HTTP frontend on {} stopped", address);
    }
}
