package org.tritonosgi.embedded.internal;

import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
 * One more embedded engine, created for each factory configuration of {@value #FACTORY_PID}: another model
 * repository, control mode or thread budget beside the default engine of PID {@code org.tritonosgi.embedded}.
 * It takes the same properties; its {@code server.id} must differ from every other engine's (the default
 * engine's is {@code triton}), since that is how frontends pick this engine with {@code server.target}. Like the
 * default engine it registers itself ({@link RegisteredEngine}).
 */
@Component(name = EmbeddedInferenceServerInstance.FACTORY_PID, service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EmbeddedConfig.class, factory = true)
public final class EmbeddedInferenceServerInstance {

    static final String FACTORY_PID = "org.tritonosgi.embedded.instance";

    private final RegisteredEngine engine;

    @Activate
    public EmbeddedInferenceServerInstance(EmbeddedConfig config, Map<String, Object> properties,
            BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configurationAdmin) {
        this.engine = RegisteredEngine.start(Settings.from(config, String.valueOf(properties.get(
                Constants.SERVICE_PID))), properties, context, configurationAdmin);
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
