package org.tritonosgi.grpc.internal;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.SystemSharedMemory;
import org.tritonosgi.api.frontend.ModelNames;
import org.tritonosgi.api.trace.RequestSpan;
import org.tritonosgi.api.trace.Tracing;
import io.grpc.Metadata;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryRegisterResponse;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryStatusRequest;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryStatusResponse;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryUnregisterRequest;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryUnregisterResponse;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.LogSettingsRequest;
import org.tritonosgi.grpc.internal.proto.LogSettingsResponse;
import org.tritonosgi.grpc.internal.proto.ModelConfigRequest;
import org.tritonosgi.grpc.internal.proto.ModelConfigResponse;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ModelReadyRequest;
import org.tritonosgi.grpc.internal.proto.ModelReadyResponse;
import org.tritonosgi.grpc.internal.proto.ModelStatisticsRequest;
import org.tritonosgi.grpc.internal.proto.ModelStatisticsResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadResponse;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;
import org.tritonosgi.grpc.internal.proto.ServerLiveResponse;
import org.tritonosgi.grpc.internal.proto.ServerMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ServerMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ServerReadyRequest;
import org.tritonosgi.grpc.internal.proto.ServerReadyResponse;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryRegisterResponse;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryStatusRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryStatusResponse;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryUnregisterRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryUnregisterResponse;
import org.tritonosgi.grpc.internal.proto.TraceSettingRequest;
import org.tritonosgi.grpc.internal.proto.TraceSettingResponse;

/**
 * {@code inference.GRPCInferenceService}: each RPC answered from the InferenceServer. Inference completes from the
 * engine's CompletionStage, so no gRPC or Netty thread waits on a model.
 */
final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final InferenceServer server;
    private final GrpcSettings settings;
    private final Streams streams;

    private final Supplier<Tracing> tracing;

    InferenceService(InferenceServer server, GrpcSettings settings, Streams streams, Supplier<Tracing> tracing) {
        this.server = server;
        this.settings = settings;
        this.streams = streams;
        this.tracing = tracing;
    }

    /** Every model name a request carries passes the frontends' one check before the engine sees it. */
    static String model(String name) {
        ModelNames.check(name);
        return name;
    }

    /** A model name that may be empty ("every model" in statistics and trace settings); null when empty. */
    static String modelOrAll(String name) {
        return name.isEmpty() ? null : model(name);
    }

    /** Reads a W3C trace header from the call's metadata. */
    static String header(Metadata headers, String name) {
        return headers == null ? null : headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
        answer(observer, () -> ServerLiveResponse.newBuilder().setLive(server.isLive()).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
        answer(observer, () -> ServerReadyResponse.newBuilder().setReady(server.isReady()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
        answer(observer, () -> ModelReadyResponse.newBuilder().setReady(
                server.model(model(request.getName()), InferRequests.version(request.getVersion())).isReady()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
        answer(observer, () -> Messages.serverMetadata(server));
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
        answer(observer, () -> Messages.modelMetadata(
                server.modelMetadata(model(request.getName()), InferRequests.version(request.getVersion()))));
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> observer) {
        answer(observer, () -> ModelConfigResponse.newBuilder().setConfig(
                server.model(model(request.getName()), InferRequests.version(request.getVersion())).config())
                .build());
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> observer) {
        answer(observer, () -> {
            ModelStatisticsResponse.Builder message = ModelStatisticsResponse.newBuilder();
            server.statistics(modelOrAll(request.getName()), InferRequests.version(request.getVersion()))
                    .forEach(stats -> message.addModelStats(Messages.statistics(stats)));
            return message.build();
        });
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> observer) {
        answer(observer, () -> {
            requireDefaultRepository(request.getRepositoryName());
            RepositoryIndexResponse.Builder message = RepositoryIndexResponse.newBuilder();
            server.index(request.getReady()).forEach(entry -> message.addModels(Messages.index(entry)));
            return message.build();
        });
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request,
            StreamObserver<RepositoryModelLoadResponse> observer) {
        try {
            requireDefaultRepository(request.getRepositoryName());
            complete(observer, server.load(model(request.getModelName()), RepositoryParameters.load(request)),
                    RepositoryModelLoadResponse.getDefaultInstance());
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.status(e));
        }
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
            StreamObserver<RepositoryModelUnloadResponse> observer) {
        try {
            requireDefaultRepository(request.getRepositoryName());
            complete(observer, server.unload(model(request.getModelName()),
                    RepositoryParameters.unloadDependents(request)),
                    RepositoryModelUnloadResponse.getDefaultInstance());
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.status(e));
        }
    }

    @Override
    public void logSettings(LogSettingsRequest request, StreamObserver<LogSettingsResponse> observer) {
        answer(observer, () -> SettingsMessages.log(request.getSettingsCount() == 0 ? server.logSettings()
                : server.updateLogSettings(SettingsMessages.apply(server.logSettings(), request))));
    }

    @Override
    public void traceSetting(TraceSettingRequest request, StreamObserver<TraceSettingResponse> observer) {
        answer(observer, () -> {
            String model = modelOrAll(request.getModelName());
            if (model != null) {
                server.model(model, 0);
            }
            Tracing service = tracing.get();
            if (service != null) {
                return SettingsMessages.trace(request.getSettingsCount() == 0 ? service.settings(model)
                        : service.update(model, SettingsMessages.trace(request)));
            }
            return SettingsMessages.trace(request.getSettingsCount() == 0 ? server.traceSettings(model)
                    : server.updateTraceSettings(model, SettingsMessages.trace(request)));
        });
    }

    @Override
    public void systemSharedMemoryStatus(SystemSharedMemoryStatusRequest request,
            StreamObserver<SystemSharedMemoryStatusResponse> observer) {
        answer(observer, () -> {
            SystemSharedMemoryStatusResponse.Builder response = SystemSharedMemoryStatusResponse.newBuilder();
            for (SystemSharedMemory.Region region : server.systemSharedMemory()
                    .status(request.getName().isEmpty() ? null : request.getName())) {
                response.putRegions(region.name(), SystemSharedMemoryStatusResponse.RegionStatus.newBuilder()
                        .setName(region.name()).setKey(region.key()).setOffset(region.offset())
                        .setByteSize(region.byteSize()).build());
            }
            return response.build();
        });
    }

    @Override
    public void systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest request,
            StreamObserver<SystemSharedMemoryRegisterResponse> observer) {
        answer(observer, () -> {
            requireClientShm();
            server.systemSharedMemory().register(request.getName(), request.getKey(), request.getOffset(),
                    request.getByteSize());
            return SystemSharedMemoryRegisterResponse.getDefaultInstance();
        });
    }

    @Override
    public void systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest request,
            StreamObserver<SystemSharedMemoryUnregisterResponse> observer) {
        answer(observer, () -> {
            requireClientShm();
            if (request.getName().isEmpty()) {
                server.systemSharedMemory().unregisterAll();
            } else {
                server.systemSharedMemory().unregister(request.getName());
            }
            return SystemSharedMemoryUnregisterResponse.getDefaultInstance();
        });
    }

    @Override
    public void cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest request,
            StreamObserver<CudaSharedMemoryStatusResponse> observer) {
        answer(observer, () -> {
            requireNoRegion(request.getName());
            return CudaSharedMemoryStatusResponse.getDefaultInstance();
        });
    }

    @Override
    public void cudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest request,
            StreamObserver<CudaSharedMemoryRegisterResponse> observer) {
        observer.onError(GrpcErrors.status(new TritonException(TritonException.Code.UNSUPPORTED, CUDA_UNSUPPORTED)));
    }

    @Override
    public void cudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest request,
            StreamObserver<CudaSharedMemoryUnregisterResponse> observer) {
        answer(observer, () -> {
            requireNoRegion(request.getName());
            return CudaSharedMemoryUnregisterResponse.getDefaultInstance();
        });
    }

    /** Ends a trace, if the request has one, with the failure's message or as a success. */
    static void sent(RequestSpan span, Throwable failure) {
        if (span != null) {
            span.sent(failure == null ? null : TritonException.of(failure).getMessage());
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
        ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) observer;
        call.setOnCancelHandler(() -> { });
        Metadata headers = CallGate.headers();
        Tracing service = tracing.get();
        RequestSpan span = null;
        try {
            String name = model(request.getModelName());
            long version = InferRequests.version(request.getModelVersion());
            span = service == null ? null : service.start("GRPC", name, version, key -> header(headers, key));
            Model model = server.model(name, version);
            if (model.isDecoupled()) {
                throw new TritonException(TritonException.Code.UNSUPPORTED, "ModelInfer RPC doesn't support models"
                        + " with decoupled transaction policy");
            }
            InferRequests.Decoded decoded = InferRequests.decode(request, headers, settings.forwardHeaders(),
                    server::systemSharedMemory);
            InferenceRequest inference = decoded.request();
            if (span != null) {
                inference = inference.withTrace(span);
                span.received();
            }
            if (settings.compressInferResponses()) {
                call.setCompression("gzip");
            }
            RequestSpan traced = span;
            model.infer(inference).whenComplete((response, failure) -> {
                if (traced != null) {
                    traced.responding();
                }
                if (failure != null) {
                    call.onError(GrpcErrors.status(failure));
                    sent(traced, failure);
                    return;
                }
                try (response) {
                    if (!call.isCancelled()) {
                        call.onNext(InferResponses.encode(response, decoded.sharedOutputs(), decoded.regions())
                                .build());
                        call.onCompleted();
                    }
                    sent(traced, null);
                } catch (RuntimeException e) {
                    call.onError(GrpcErrors.status(e));
                    sent(traced, e);
                }
            });
        } catch (RuntimeException e) {
            call.onError(GrpcErrors.status(e));
            sent(span, e);
        }
    }

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> observer) {
        return streams.open(server, settings, (ServerCallStreamObserver<ModelStreamInferResponse>) observer,
                tracing.get());
    }

    private static <T> void answer(StreamObserver<T> observer, Supplier<T> work) {
        T response;
        try {
            response = work.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.status(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private static <T> void complete(StreamObserver<T> observer, java.util.concurrent.CompletionStage<Void> stage,
            T response) {
        stage.whenComplete((ignored, failure) -> {
            if (failure != null) {
                observer.onError(GrpcErrors.status(failure));
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    private static void requireDefaultRepository(String repository) {
        if (!repository.isEmpty()) {
            throw new TritonException(TritonException.Code.UNSUPPORTED,
                    "'repository_name' specification is not supported");
        }
    }

    /** No region is ever registered here: a named one does not exist (Triton answers NOT_FOUND). */
    private static final String CUDA_UNSUPPORTED = "CUDA shared memory is not supported: this server has no CUDA"
            + " device memory; use system shared memory instead";

    /** CUDA regions are never registered, so naming one is a mistake. */
    private static void requireNoRegion(String name) {
        if (!name.isEmpty()) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, CUDA_UNSUPPORTED);
        }
    }

    private void requireClientShm() {
        if (!settings.allowClientShm()) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "client shared memory is disabled on this "
                    + "server: set allow.client.shm = true in PID " + GrpcSettings.PID + " to allow it");
        }
    }
}
