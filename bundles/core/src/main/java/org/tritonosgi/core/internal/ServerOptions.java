package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.Triton.bool;
import static org.tritonosgi.core.internal.Triton.check;
import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.Pointer;
import java.util.Map;

/** Writes checked {@link Settings} into a TRITONSERVER_ServerOptions object, one setter per option. */
final class ServerOptions {

    private ServerOptions() {
    }

    static void apply(Pointer options, Settings settings) {
        check(TRITONSERVER_ServerOptionsSetServerId(options, settings.serverId()));
        for (String repository : settings.repositories()) {
            check(TRITONSERVER_ServerOptionsSetModelRepositoryPath(options, repository));
        }
        check(TRITONSERVER_ServerOptionsSetModelControlMode(options, settings.controlMode()));
        for (String model : settings.startupModels()) {
            check(TRITONSERVER_ServerOptionsSetStartupModel(options, model));
        }
        check(TRITONSERVER_ServerOptionsSetStrictModelConfig(options, bool(settings.strictModelConfig())));
        check(TRITONSERVER_ServerOptionsSetStrictReadiness(options, bool(settings.strictReadiness())));
        check(TRITONSERVER_ServerOptionsSetExitTimeout(options, (int) Math.min(Integer.MAX_VALUE,
                settings.exitTimeout().toSeconds())));
        check(TRITONSERVER_ServerOptionsSetExitOnError(options, bool(settings.exitOnError())));
        check(TRITONSERVER_ServerOptionsSetBackendDirectory(options, settings.backendDirectory()));
        check(TRITONSERVER_ServerOptionsSetRepoAgentDirectory(options, settings.repoagentDirectory()));
        check(TRITONSERVER_ServerOptionsSetPinnedMemoryPoolByteSize(options, settings.pinnedMemoryPoolSize()));
        for (Map.Entry<Integer, Long> pool : settings.cudaMemoryPoolSizes().entrySet()) {
            check(TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(options, pool.getKey(), pool.getValue()));
        }
        check(TRITONSERVER_ServerOptionsSetMinSupportedComputeCapability(options, settings.minComputeCapability()));
        check(TRITONSERVER_ServerOptionsSetModelLoadThreadCount(options, settings.modelLoadThreads()));
        for (String[] setting : settings.backendConfig()) {
            check(TRITONSERVER_ServerOptionsSetBackendConfig(options, setting[0], setting[1], setting[2]));
        }
        // Triton's cascade: verbose turns on info, info turns on warn, warn turns on error
        boolean info = settings.logInfo() || settings.logVerbose() > 0;
        boolean warn = settings.logWarn() || info;
        if (!settings.logFile().isEmpty()) {
            check(TRITONSERVER_ServerOptionsSetLogFile(options, settings.logFile()));
        }
        check(TRITONSERVER_ServerOptionsSetLogInfo(options, bool(info)));
        check(TRITONSERVER_ServerOptionsSetLogWarn(options, bool(warn)));
        check(TRITONSERVER_ServerOptionsSetLogError(options, bool(settings.logError() || warn)));
        check(TRITONSERVER_ServerOptionsSetLogFormat(options, settings.logFormatValue()));
        check(TRITONSERVER_ServerOptionsSetLogVerbose(options, settings.logVerbose()));
        check(TRITONSERVER_ServerOptionsSetMetrics(options, bool(settings.metrics())));
        check(TRITONSERVER_ServerOptionsSetGpuMetrics(options, bool(settings.gpuMetrics())));
        check(TRITONSERVER_ServerOptionsSetCpuMetrics(options, bool(settings.cpuMetrics())));
        check(TRITONSERVER_ServerOptionsSetMetricsInterval(options, settings.metricsIntervalMs()));
        for (String[] setting : settings.metricsConfig()) {
            check(TRITONSERVER_ServerOptionsSetMetricsConfig(options, setting[0], setting[1], setting[2]));
        }
    }
}
