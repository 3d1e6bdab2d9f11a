package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.util.converter.Converters;
import org.tritonosgi.api.InferenceServer;

class CoreLauncherTest extends DoubleTest {

    /** Stands in for SCR's factory: builds the server from the instance properties as SCR would. */
    private final class Factory implements ComponentFactory<InferenceServer> {
        Map<String, Object> lastProperties;
        boolean disposed;

        @Override
        public ComponentInstance<InferenceServer> newInstance(Dictionary<String, ?> properties) {
            lastProperties = new HashMap<>();
            Collections.list(properties.keys()).forEach(key -> lastProperties.put(key, properties.get(key)));
            try {
                server = new CoreInferenceServer(Converters.standardConverter().convert(lastProperties)
                        .to(CoreConfig.class));
            } catch (RuntimeException e) {
                throw new ComponentException(e);
            }
            return new ComponentInstance<>() {
                @Override
                public void dispose() {
                    disposed = true;
                    server.deactivate();
                    server = null;
                }

                @Override
                public InferenceServer getInstance() {
                    return server;
                }
            };
        }
    }

    private static Map<String, Object> properties(Object... keyValues) {
        Map<String, Object> properties = new HashMap<>(Map.of("library.path", DoubleControl.LIBRARY,
                "model.repository", "/models", "component.id", 3L, "service.pid", Settings.PID));
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static CoreLauncher launch(Factory factory, Map<String, Object> properties) {
        return new CoreLauncher(Converters.standardConverter().convert(properties).to(CoreConfig.class), properties,
                factory);
    }

    @Test
    void createsTheServerWithTheConfigurationAndDisposesItOnDeactivate() {
        Factory factory = new Factory();
        CoreLauncher launcher = launch(factory, properties("server.id", "native"));

        assertTrue(server.isLive());
        assertEquals("native", server.id());
        assertEquals("native", factory.lastProperties.get("server.id"));
        assertFalse(factory.lastProperties.containsKey("component.id"));
        assertFalse(factory.lastProperties.containsKey("service.pid"));
        launcher.deactivate();
        assertTrue(factory.disposed);
    }

    @Test
    void anInvalidValueFailsBeforeAnyServerExists() {
        Factory factory = new Factory();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> launch(factory, properties("exit.timeout", -3)));
        assertEquals("PID org.tritonosgi.core: invalid value '-3' for property 'exit.timeout': expected a number "
                + ">= 0", error.getMessage());
        assertNull(factory.lastProperties, "no server was created");
    }

    @Test
    void aRefusedLibraryFailsBeforeAnyServerExists() {
        Factory factory = new Factory();
        DoubleControl.double_set_api_version(1, 2);

        assertThrows(LibraryLoadException.class, () -> launch(factory, properties()));
        assertNull(factory.lastProperties, "no server was created");
    }

    @Test
    void aServerThatFailsToStartIsReportedInOneMessage() {
        Factory factory = new Factory();
        DoubleControl.double_fail_next("TRITONSERVER_ServerNew", 3);

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> launch(factory, properties()));
        assertEquals("PID org.tritonosgi.core: Triton native core 'triton' failed to start: injected failure in "
                + "TRITONSERVER_ServerNew", error.getMessage());
        assertNull(server);
    }
}
