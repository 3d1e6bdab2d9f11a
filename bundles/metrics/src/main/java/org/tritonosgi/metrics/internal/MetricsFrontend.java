package org.tritonosgi.metrics.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;

/**
 * The metrics frontend component (Triton's third frontend, port 8002). Like the other frontends it holds a
 * mandatory static reference to its InferenceServer, so it stops before that server's engine.
 */
@Component(service = {}, immediate = true, configurationPid = MetricsSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsConfig.class)
public final class MetricsFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsFrontend.class);

    private final MetricsServer server;

    @Activate
    public MetricsFrontend(MetricsConfig config, @Reference(name = "server") InferenceServer inferenceServer) {
        this.server = new MetricsServer(inferenceServer, MetricsSettings.from(config));
        server.start();
        LOG.info("Triton metrics frontend listening on {} for server '{}'", server.describe(), inferenceServer.id());
    }

    @Deactivate
    void deactivate() {
        String address = server.describe();
        server.stop();
        LOG.info("Triton metrics frontend on {} stopped", address);
    }
}
