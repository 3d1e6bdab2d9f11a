package org.tritonosgi.embedded.internal;

import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.tritonosgi.api.backend.ModelBackend;

/**
 * The default embedded engine, PID {@value Settings#PID} (optional: without a configuration it serves Triton's
 * defaults). It registers the {@link EmbeddedInferenceServer} as an InferenceServer itself once the settings are
 * checked and the engine runs ({@link RegisteredEngine}), and unregisters it before stopping the engine, so bound
 * frontends stop first.
 */
@Component(service = {}, immediate = true, configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EmbeddedConfig.class)
public final class EmbeddedEngine {

    private final RegisteredEngine engine;

    @Activate
    public EmbeddedEngine(EmbeddedConfig config, Map<String, Object> properties, BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configurationAdmin) {
        this.engine = RegisteredEngine.start(Settings.from(config), properties, context, configurationAdmin);
    }

    /** Backends from other bundles come and go while the engine runs; models naming them follow. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeBackend")
    void addBackend(ModelBackend backend, Map<String, Object> properties) {
        engine.addBackend(backend, properties);
    }

    void removeBackend(ModelBackend backend, Map<String, Object> properties) {
        engine.removeBackend(backend, properties);
    }

    @Deactivate
    void deactivate() {
        engine.stop();
    }
}
