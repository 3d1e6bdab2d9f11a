package org.tritonosgi.core.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

/**
 * The raw JNA direct mapping of the TRITONSERVER C API: every function this bundle calls, with its exact C name,
 * registered once per class loader. Types follow c-api.md: size_t/int64_t/uint64_t are {@code long}, uint32_t and
 * enums {@code int}, C {@code bool} a 1-byte {@code byte}; a returned {@code Pointer} is a TRITONSERVER_Error*
 * (null on success) unless the name says otherwise. Use it only through {@link Triton}.
 */
final class TritonLibrary {

    static final String DEFAULT_NAME = "tritonserver";

    private static String registeredFrom;

    private TritonLibrary() {
    }

    /**
     * Binds the natives to the library at this path ("" = the system lookup of libtritonserver). The binding is
     * per class, so a second call with another path fails: the bundle must be restarted to change it.
     *
     * @throws LibraryLoadException naming the PID, property and reason
     */
    static synchronized void register(String path) {
        String source = path.isEmpty() ? DEFAULT_NAME : path;
        if (registeredFrom != null) {
            if (!registeredFrom.equals(source)) {
                throw new LibraryLoadException(path, "this bundle is already bound to '" + registeredFrom
                        + "'; restart bundle org.tritonosgi.core to change it");
            }
            return;
        }
        NativeLibrary library = load(path);
        try {
            Native.register(TritonLibrary.class, library);
            registeredFrom = source;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new LibraryLoadException(path, reason(e));
        }
    }

    /** Opens the library ("" = system lookup) without binding anything. */
    static NativeLibrary load(String path) {
        try {
            return NativeLibrary.getInstance(path.isEmpty() ? DEFAULT_NAME : path,
                    Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new LibraryLoadException(path, reason(e));
        }
    }

    /** JNA's message without its search-path listing: the first two lines (what failed, and dlopen's reason). */
    private static String reason(Throwable e) {
        String[] lines = String.valueOf(e.getMessage()).split("\\R");
        return lines.length == 1 ? lines[0] : (lines[0] + " " + lines[1]).trim();
    }

    // ---- callback typedefs (c-api.md section 3) ----

    /** TRITONSERVER_ResponseAllocatorAllocFn_t; out parameters are raw pointers written by the callee. */
    interface AllocFn extends Callback {
        Pointer invoke(Pointer allocator, Pointer tensorName, long byteSize, int memoryType, long memoryTypeId,
                Pointer userp, Pointer buffer, Pointer bufferUserp, Pointer actualMemoryType,
                Pointer actualMemoryTypeId);
    }

    /** TRITONSERVER_ResponseAllocatorReleaseFn_t. */
    interface ReleaseFn extends Callback {
        Pointer invoke(Pointer allocator, Pointer buffer, Pointer bufferUserp, long byteSize, int memoryType,
                long memoryTypeId);
    }

    /** TRITONSERVER_InferenceRequestReleaseFn_t. */
    interface RequestReleaseFn extends Callback {
        void invoke(Pointer request, int flags, Pointer userp);
    }

    /** TRITONSERVER_InferenceResponseCompleteFn_t. */
    interface ResponseCompleteFn extends Callback {
        void invoke(Pointer response, int flags, Pointer userp);
    }

    // ---- 4.1 version, logging ----
    static native Pointer TRITONSERVER_ApiVersion(IntByReference major, IntByReference minor);

    static native byte TRITONSERVER_LogIsEnabled(int level);

    // ---- 4.2 error ----
    static native Pointer TRITONSERVER_ErrorNew(int code, String msg);

    static native void TRITONSERVER_ErrorDelete(Pointer error);

    static native int TRITONSERVER_ErrorCode(Pointer error);

    /** Returns const char*, valid while the error lives. */
    static native Pointer TRITONSERVER_ErrorMessage(Pointer error);

    // ---- 4.3 parameter (return Parameter*, not an error) ----
    static native Pointer TRITONSERVER_ParameterNew(String name, int type, Pointer value);

    static native Pointer TRITONSERVER_ParameterBytesNew(String name, Pointer bytePtr, long size);

    static native void TRITONSERVER_ParameterDelete(Pointer parameter);

    // ---- 4.4 response allocator ----
    static native Pointer TRITONSERVER_ResponseAllocatorNew(PointerByReference allocator, AllocFn allocFn,
            ReleaseFn releaseFn, Callback startFn);

    static native Pointer TRITONSERVER_ResponseAllocatorDelete(Pointer allocator);

    // ---- 4.6 message ----
    static native Pointer TRITONSERVER_MessageDelete(Pointer message);

    static native Pointer TRITONSERVER_MessageSerializeToJson(Pointer message, PointerByReference base,
            LongByReference byteSize);

    // ---- 4.9 inference request ----
    static native Pointer TRITONSERVER_InferenceRequestNew(PointerByReference request, Pointer server,
            String modelName, long modelVersion);

    static native Pointer TRITONSERVER_InferenceRequestDelete(Pointer request);

    static native Pointer TRITONSERVER_InferenceRequestSetId(Pointer request, String id);

    static native Pointer TRITONSERVER_InferenceRequestSetFlags(Pointer request, int flags);

    static native Pointer TRITONSERVER_InferenceRequestSetCorrelationId(Pointer request, long correlationId);

    static native Pointer TRITONSERVER_InferenceRequestSetCorrelationIdString(Pointer request, String correlationId);

    static native Pointer TRITONSERVER_InferenceRequestSetPriorityUInt64(Pointer request, long priority);

    static native Pointer TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(Pointer request, long timeoutUs);

    static native Pointer TRITONSERVER_InferenceRequestAddInput(Pointer request, String name, int datatype,
            long[] shape, long dimCount);

    static native Pointer TRITONSERVER_InferenceRequestAppendInputData(Pointer request, String name, Pointer base,
            long byteSize, int memoryType, long memoryTypeId);

    static native Pointer TRITONSERVER_InferenceRequestAddRequestedOutput(Pointer request, String name);

    static native Pointer TRITONSERVER_InferenceRequestSetReleaseCallback(Pointer request,
            RequestReleaseFn releaseFn, Pointer releaseUserp);

    static native Pointer TRITONSERVER_InferenceRequestSetResponseCallback(Pointer request, Pointer allocator,
            Pointer allocatorUserp, ResponseCompleteFn responseFn, Pointer responseUserp);

    static native Pointer TRITONSERVER_InferenceRequestSetStringParameter(Pointer request, String key, String value);

    static native Pointer TRITONSERVER_InferenceRequestSetIntParameter(Pointer request, String key, long value);

    static native Pointer TRITONSERVER_InferenceRequestSetBoolParameter(Pointer request, String key, byte value);

    static native Pointer TRITONSERVER_InferenceRequestSetDoubleParameter(Pointer request, String key, double value);

    // ---- 4.10 inference response ----
    static native Pointer TRITONSERVER_InferenceResponseDelete(Pointer response);

    /** The response's own error (null on success); owned by the response, never deleted by the caller. */
    static native Pointer TRITONSERVER_InferenceResponseError(Pointer response);

    static native Pointer TRITONSERVER_InferenceResponseModel(Pointer response, PointerByReference modelName,
            LongByReference modelVersion);

    static native Pointer TRITONSERVER_InferenceResponseId(Pointer response, PointerByReference requestId);

    static native Pointer TRITONSERVER_InferenceResponseParameterCount(Pointer response, IntByReference count);

    static native Pointer TRITONSERVER_InferenceResponseParameter(Pointer response, int index,
            PointerByReference name, IntByReference type, PointerByReference value);

    static native Pointer TRITONSERVER_InferenceResponseOutputCount(Pointer response, IntByReference count);

    /** Out parameters as raw pointers into one scratch block (see ResponseReader). */
    static native Pointer TRITONSERVER_InferenceResponseOutput(Pointer response, int index, Pointer name,
            Pointer datatype, Pointer shape, Pointer dimCount, Pointer base, Pointer byteSize, Pointer memoryType,
            Pointer memoryTypeId, Pointer userp);

    // ---- 4.11 server options ----
    static native Pointer TRITONSERVER_ServerOptionsNew(PointerByReference options);

    static native Pointer TRITONSERVER_ServerOptionsDelete(Pointer options);

    static native Pointer TRITONSERVER_ServerOptionsSetServerId(Pointer options, String serverId);

    static native Pointer TRITONSERVER_ServerOptionsSetModelRepositoryPath(Pointer options, String path);

    static native Pointer TRITONSERVER_ServerOptionsSetModelControlMode(Pointer options, int mode);

    static native Pointer TRITONSERVER_ServerOptionsSetStartupModel(Pointer options, String modelName);

    static native Pointer TRITONSERVER_ServerOptionsSetStrictModelConfig(Pointer options, byte strict);

    static native Pointer TRITONSERVER_ServerOptionsSetPinnedMemoryPoolByteSize(Pointer options, long size);

    static native Pointer TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(Pointer options, int gpuDevice,
            long size);

    static native Pointer TRITONSERVER_ServerOptionsSetMinSupportedComputeCapability(Pointer options, double cc);

    static native Pointer TRITONSERVER_ServerOptionsSetExitOnError(Pointer options, byte exit);

    static native Pointer TRITONSERVER_ServerOptionsSetStrictReadiness(Pointer options, byte strict);

    static native Pointer TRITONSERVER_ServerOptionsSetExitTimeout(Pointer options, int timeout);

    static native Pointer TRITONSERVER_ServerOptionsSetModelLoadThreadCount(Pointer options, int threadCount);

    static native Pointer TRITONSERVER_ServerOptionsSetLogFile(Pointer options, String file);

    static native Pointer TRITONSERVER_ServerOptionsSetLogInfo(Pointer options, byte log);

    static native Pointer TRITONSERVER_ServerOptionsSetLogWarn(Pointer options, byte log);

    static native Pointer TRITONSERVER_ServerOptionsSetLogError(Pointer options, byte log);

    static native Pointer TRITONSERVER_ServerOptionsSetLogFormat(Pointer options, int format);

    static native Pointer TRITONSERVER_ServerOptionsSetLogVerbose(Pointer options, int level);

    static native Pointer TRITONSERVER_ServerOptionsSetMetrics(Pointer options, byte metrics);

    static native Pointer TRITONSERVER_ServerOptionsSetGpuMetrics(Pointer options, byte gpuMetrics);

    static native Pointer TRITONSERVER_ServerOptionsSetCpuMetrics(Pointer options, byte cpuMetrics);

    static native Pointer TRITONSERVER_ServerOptionsSetMetricsInterval(Pointer options, long intervalMs);

    static native Pointer TRITONSERVER_ServerOptionsSetBackendDirectory(Pointer options, String backendDir);

    static native Pointer TRITONSERVER_ServerOptionsSetRepoAgentDirectory(Pointer options, String repoagentDir);

    static native Pointer TRITONSERVER_ServerOptionsSetBackendConfig(Pointer options, String backendName,
            String setting, String value);

    static native Pointer TRITONSERVER_ServerOptionsSetMetricsConfig(Pointer options, String name, String setting,
            String value);

    // ---- 4.12 server ----
    static native Pointer TRITONSERVER_ServerNew(PointerByReference server, Pointer options);

    static native Pointer TRITONSERVER_ServerDelete(Pointer server);

    static native Pointer TRITONSERVER_ServerStop(Pointer server);

    static native Pointer TRITONSERVER_ServerSetExitTimeout(Pointer server, int timeout);

    static native Pointer TRITONSERVER_ServerIsLive(Pointer server, ByteByReference live);

    static native Pointer TRITONSERVER_ServerIsReady(Pointer server, ByteByReference ready);

    static native Pointer TRITONSERVER_ServerModelTransactionProperties(Pointer server, String modelName,
            long modelVersion, IntByReference txnFlags, PointerByReference voidp);

    static native Pointer TRITONSERVER_ServerMetadata(Pointer server, PointerByReference metadata);

    static native Pointer TRITONSERVER_ServerModelMetadata(Pointer server, String modelName, long modelVersion,
            PointerByReference metadata);

    static native Pointer TRITONSERVER_ServerModelStatistics(Pointer server, String modelName, long modelVersion,
            PointerByReference stats);

    static native Pointer TRITONSERVER_ServerModelConfig(Pointer server, String modelName, long modelVersion,
            int configVersion, PointerByReference config);

    static native Pointer TRITONSERVER_ServerModelIndex(Pointer server, int flags, PointerByReference index);

    static native Pointer TRITONSERVER_ServerLoadModel(Pointer server, String modelName);

    static native Pointer TRITONSERVER_ServerLoadModelWithParameters(Pointer server, String modelName,
            Pointer parameters, long parameterCount);

    static native Pointer TRITONSERVER_ServerUnloadModel(Pointer server, String modelName);

    static native Pointer TRITONSERVER_ServerUnloadModelAndDependents(Pointer server, String modelName);

    static native Pointer TRITONSERVER_ServerInferAsync(Pointer server, Pointer request, Pointer trace);
}
