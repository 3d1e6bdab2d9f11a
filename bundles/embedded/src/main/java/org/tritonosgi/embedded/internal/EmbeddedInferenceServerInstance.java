package org.tritonosgi.embedded.internal;

import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.annotations.Designate;
import org.tritonosgi.api.InferenceServer;

/**
 * One more embedded engine, created for each factory configuration of {@value #FACTORY_PID}: another model
 * repository, control mode or thread budget beside the default engine of PID {@code org.tritonosgi.embedded}.
 * It takes the same properties; its {@code server.id} must differ from every other engine's (the default
 * engine's is {@code triton}), since that is how frontends pick this engine with {@code server.target}.
 * <p>
 * The engine is registered by this component rather than by SCR: SCR registers a component's service before it
 * constructs the component, so a configuration with a bad value would leave a registration behind that fails
 * every frontend binding to it. Here a bad value fails this configuration alone, with one log record naming its
 * PID, and nothing is registered. Deactivation unregisters first, so bound frontends stop before the engine does.
 */
@Component(name = EmbeddedInferenceServerInstance.FACTORY_PID, service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EmbeddedConfig.class, factory = true)
public final class EmbeddedInferenceServerInstance {

    static final String FACTORY_PID = "org.tritonosgi.embedded.instance";

    private final EmbeddedInferenceServer engine;
    private final ServiceRegistration<InferenceServer> registration;

    @Activate
    public EmbeddedInferenceServerInstance(EmbeddedConfig config, Map<String, Object> properties,
            BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configurationAdmin) {
        String pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        Settings settings = settings(config, pid, idsInUse(context));
        this.engine = new EmbeddedInferenceServer(settings, context.getBundle().getVersion().toString());
        engine.useKarafLogging(configurationAdmin);
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (!key.startsWith("component.") && !key.startsWith("service.") && !key.startsWith("felix.")) {
                serviceProperties.put(key, value);
            }
        });
        serviceProperties.put(InferenceServer.SERVER_ID_PROPERTY, settings.serverId());
        serviceProperties.put(Constants.SERVICE_PID, pid);
        try {
            this.registration = context.registerService(InferenceServer.class, engine, serviceProperties);
        } catch (RuntimeException e) {
            engine.deactivate();
            throw e;
        }
    }

    /** The server.id of every engine registered now. */
    private static Set<String> idsInUse(BundleContext context) {
        try {
            Set<String> ids = new TreeSet<>();
            for (ServiceReference<InferenceServer> engine : context.getServiceReferences(InferenceServer.class,
                    null)) {
                ids.add(String.valueOf(engine.getProperty(InferenceServer.SERVER_ID_PROPERTY)));
            }
            return ids;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter was given", e);
        }
    }

    /**
     * @param idsInUse the server.id of the engines already registered
     * @throws IllegalArgumentException naming this configuration's PID when a property is wrong or server.id is
     *         taken by another engine
     */
    static Settings settings(EmbeddedConfig config, String pid, Set<String> idsInUse) {
        Settings settings = Settings.from(config, pid);
        if (idsInUse.contains(settings.serverId())) {
            throw Settings.invalid(pid, InferenceServer.SERVER_ID_PROPERTY, settings.serverId(),
                    "a name no other engine uses (in use: " + String.join(", ", new TreeSet<>(idsInUse))
                            + "); frontends select an engine by it in server.target");
        }
        return settings;
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
        engine.deactivate();
    }
}
