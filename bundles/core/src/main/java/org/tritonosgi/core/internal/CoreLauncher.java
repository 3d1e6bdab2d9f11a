package org.tritonosgi.core.internal;

import java.util.Hashtable;
import java.util.Map;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.tritonosgi.api.InferenceServer;

/**
 * Owns PID {@code org.tritonosgi.core}: checks the values and loads the library, then creates the
 * {@link CoreInferenceServer} from its factory with exactly these properties. A bad value or a missing library thus
 * fails here, alone, in one log record naming the property, and no frontend ever sees a server that cannot start
 * (SCR registers a component's service before it constructs the component). A configuration change re-creates both.
 */
@Component(configurationPid = Settings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = CoreConfig.class)
public final class CoreLauncher {

    private final ComponentInstance<InferenceServer> instance;

    @Activate
    public CoreLauncher(CoreConfig config, Map<String, Object> properties,
            @Reference(target = "(component.factory=" + CoreInferenceServer.FACTORY + ")")
            ComponentFactory<InferenceServer> factory) {
        Settings settings = Settings.from(config);
        TritonLibrary.register(settings.libraryPath());
        Triton.checkApiVersion(settings.libraryPath());
        Hashtable<String, Object> instanceProperties = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (!key.startsWith("component.") && !key.startsWith("service.") && !key.startsWith("felix.")) {
                instanceProperties.put(key, value);
            }
        });
        instanceProperties.put(InferenceServer.SERVER_ID_PROPERTY, settings.serverId());
        try {
            this.instance = factory.newInstance(instanceProperties);
        } catch (ComponentException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof org.tritonosgi.api.TritonException)) {
                cause = cause.getCause();
            }
            throw new IllegalStateException("PID " + Settings.PID + ": Triton native core '" + settings.serverId()
                    + "' failed to start: " + cause.getMessage(), cause);
        }
    }

    @Deactivate
    void deactivate() {
        instance.dispose();
    }
}
