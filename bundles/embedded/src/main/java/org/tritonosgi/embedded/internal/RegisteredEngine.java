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
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.backend.ModelBackend;

/**
 * An embedded engine its component registers itself, once its settings are checked and it runs. SCR would
 * register a component's service before constructing it, so a configuration with a bad value would leave behind
 * a registration that fails every frontend binding to it; this way a bad value fails its configuration alone,
 * with one log record naming the PID, and nothing is registered. {@link #stop()} unregisters first, so bound
 * frontends stop before the engine does.
 */
final class RegisteredEngine {

    private final EmbeddedInferenceServer engine;
    private final ServiceRegistration<InferenceServer> registration;

    private RegisteredEngine(EmbeddedInferenceServer engine, ServiceRegistration<InferenceServer> registration) {
        this.engine = engine;
        this.registration = registration;
    }

    /**
     * Checks that no registered engine uses the settings' server.id, starts the engine and registers it with the
     * configuration's properties (less the framework's own) and its server.id.
     *
     * @throws IllegalArgumentException naming the PID when server.id is taken by another engine
     */
    static RegisteredEngine start(Settings settings, Map<String, Object> properties, BundleContext context,
            ConfigurationAdmin configurationAdmin) {
        requireFreeId(settings, idsInUse(context));
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(settings,
                context.getBundle().getVersion().toString());
        engine.useKarafLogging(configurationAdmin);
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (!key.startsWith("component.") && !key.startsWith("service.") && !key.startsWith("felix.")) {
                serviceProperties.put(key, value);
            }
        });
        serviceProperties.put(InferenceServer.SERVER_ID_PROPERTY, settings.serverId());
        serviceProperties.put(Constants.SERVICE_PID, settings.pid());
        try {
            return new RegisteredEngine(engine, context.registerService(InferenceServer.class, engine,
                    serviceProperties));
        } catch (RuntimeException e) {
            engine.deactivate();
            throw e;
        }
    }

    /** The server.id of every engine registered now. */
    static Set<String> idsInUse(BundleContext context) {
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
     * @throws IllegalArgumentException naming the settings' PID when their server.id is among them
     */
    static void requireFreeId(Settings settings, Set<String> idsInUse) {
        if (idsInUse.contains(settings.serverId())) {
            throw Settings.invalid(settings.pid(), InferenceServer.SERVER_ID_PROPERTY, settings.serverId(),
                    "a name no other engine uses (in use: " + String.join(", ", new TreeSet<>(idsInUse))
                            + "); frontends select an engine by it in server.target");
        }
    }

    /** A {@link ModelBackend} service came; its name is its {@value ModelBackend#BACKEND_PROPERTY} property. */
    void addBackend(ModelBackend backend, Map<String, Object> properties) {
        engine.addBackend(backendName(properties), backend);
    }

    void removeBackend(ModelBackend backend, Map<String, Object> properties) {
        engine.removeBackend(backendName(properties), backend);
    }

    private static String backendName(Map<String, Object> properties) {
        Object name = properties.get(ModelBackend.BACKEND_PROPERTY);
        return name == null ? null : name.toString().trim();
    }

    void stop() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
        engine.deactivate();
    }
}
