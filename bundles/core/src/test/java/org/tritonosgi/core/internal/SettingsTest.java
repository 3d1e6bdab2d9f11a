package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreTritons() {
        Settings settings = Settings.from(DoubleTest.config());

        assertEquals(List.of("/models"), settings.repositories());
        assertEquals("triton", settings.serverId());
        assertEquals(0, settings.controlMode());
        assertEquals(Duration.ofSeconds(30), settings.exitTimeout());
        assertEquals(268435456L, settings.pinnedMemoryPoolSize());
        assertEquals(6.0, settings.minComputeCapability());
        assertEquals(4, settings.modelLoadThreads());
        assertEquals(2000, settings.metricsIntervalMs());
        assertEquals("/opt/tritonserver/backends", settings.backendDirectory());
        assertEquals(Settings.of(DoubleControl.LIBRARY, "/models"), settings);
    }

    @Test
    void listsAndGroupedSettingsAreParsed() {
        Settings settings = Settings.from(DoubleTest.config("model.repository", "/a, /b",
                "startup.models", new String[] {"x,y", "z"}, "cuda.memory.pool.sizes", "0:1024,1:2048",
                "backend.config", new String[] {"python,shm-default-byte-size=1048576"},
                "metrics.config", new String[] {"summary_latencies=true", "counter,enabled=false"}));

        assertEquals(List.of("/a", "/b"), settings.repositories());
        assertEquals(List.of("x", "y", "z"), settings.startupModels());
        assertEquals(Map.of(0, 1024L, 1, 2048L), settings.cudaMemoryPoolSizes());
        assertEquals(List.of("python", "shm-default-byte-size", "1048576"),
                List.of(settings.backendConfig().get(0)));
        assertEquals(List.of("", "summary_latencies", "true"), List.of(settings.metricsConfig().get(0)));
        assertEquals(List.of("counter", "enabled", "false"), List.of(settings.metricsConfig().get(1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model.repository|''|at least one model repository path",
        "server.id|' '|a non-empty name",
        "model.control.mode|sometimes|one of none, poll, explicit",
        "exit.timeout|-1|a number >= 0",
        "model.load.thread.count|0|a count >= 1",
        "log.format|json|default or ISO8601",
        "log.verbose|-2|a number >= 0",
        "metrics.interval.ms|0|milliseconds >= 1",
        "cuda.memory.pool.sizes|gpu0|<gpu>:<bytes> with numbers >= 0",
        "backend.config|shm=1|<backend>,<setting>=<value>"})
    void invalidValuesNameThePidPropertyAndValue(String property, String value, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new CoreInferenceServer(DoubleTest.config(property, value)));

        String shown = property.equals("model.repository") ? "" : value;
        assertEquals("PID org.tritonosgi.core: invalid value '" + shown + "' for property '" + property
                + "': expected " + expected, error.getMessage());
    }
}
