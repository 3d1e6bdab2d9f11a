package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.ptr.IntByReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** One model version of the native server; every call goes through the server's guard, so it fails cleanly after stop. */
final class CoreModel implements Model {

    private static final int TXN_DECOUPLED = 2;

    private final CoreInferenceServer server;
    private final NativeServer nativeServer;
    private final String name;
    private final long version;
    private volatile Boolean decoupled;

    CoreModel(CoreInferenceServer server, NativeServer nativeServer, String name, long version) {
        this.server = server;
        this.nativeServer = nativeServer;
        this.name = name;
        this.version = version;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public ModelState state() {
        for (ModelIndexEntry entry : server.index(false)) {
            if (entry.name().equals(name) && entry.version() == version) {
                return entry.state();
            }
        }
        return ModelState.UNKNOWN;
    }

    @Override
    public ModelMetadata metadata() {
        return JsonMapping.modelMetadata(nativeServer.query((handle, out) ->
                TRITONSERVER_ServerModelMetadata(handle, name, version, out)));
    }

    @Override
    public ModelConfig config() {
        return JsonMapping.modelConfig(nativeServer.query((handle, out) ->
                TRITONSERVER_ServerModelConfig(handle, name, version, 1, out)));
    }

    /** Asked once per model object: a version keeps its transaction policy while it is loaded. */
    @Override
    public boolean isDecoupled() {
        Boolean known = decoupled;
        if (known == null) {
            known = askDecoupled();
            decoupled = known;
        }
        return known;
    }

    private boolean askDecoupled() {
        return nativeServer.call(handle -> {
            IntByReference flags = new IntByReference();
            Triton.check(TRITONSERVER_ServerModelTransactionProperties(handle, name, version, flags, null));
            return (flags.getValue() & TXN_DECOUPLED) != 0;
        });
    }

    @Override
    public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
        SingleResponse single = new SingleResponse();
        try {
            if (isDecoupled()) {
                return CompletableFuture.failedFuture(new TritonException(TritonException.Code.UNSUPPORTED,
                        "model '" + name + "' is decoupled; use infer(request, listener) for its responses"));
            }
        } catch (TritonException e) {
            return CompletableFuture.failedFuture(e);
        }
        nativeServer.infer(name, version, request, single);
        return single.future();
    }

    @Override
    public void infer(InferenceRequest request, ResponseListener listener) {
        nativeServer.infer(name, version, request, listener);
    }

    @Override
    public String toString() {
        return "CoreModel[" + name + " v" + version + "]";
    }
}
