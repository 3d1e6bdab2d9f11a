package org.tritonosgi.grpc.internal;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;

/**
 * The grpc-java server of one gRPC frontend, built explicitly (no ServiceLoader lookup of a server provider), on
 * event loops and an executor it owns. Stopping refuses new calls with UNAVAILABLE, lets in-flight calls finish
 * and ends open streams with UNAVAILABLE within a grace period, then closes connections and threads.
 */
public final class GrpcServer {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

    /** How long stopping waits for in-flight calls. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

    private final GrpcSettings settings;
    private final CallGate gate = new CallGate();
    private final Streams streams = new Streams();
    private final java.util.concurrent.atomic.AtomicReference<org.tritonosgi.api.trace.Tracing> tracing =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final Transport transport;
    private final ExecutorService executor;
    private final Server server;

    /** Traces requests with this service from now on (the frontend binds it dynamically). */
    public void tracing(org.tritonosgi.api.trace.Tracing service) {
        tracing.set(service);
    }

    /** Stops tracing with this service, unless another one replaced it already. */
    public void untrace(org.tritonosgi.api.trace.Tracing service) {
        tracing.compareAndSet(service, null);
    }

    public GrpcServer(InferenceServer inferenceServer, GrpcSettings settings) {
        this.settings = settings;
        this.transport = Transport.create(Runtime.getRuntime().availableProcessors());
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.inferThreads(), settings.inferThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "triton-grpc-call-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            this.server = build(inferenceServer, settings);
        } catch (RuntimeException e) {
            executor.shutdownNow();
            transport.shutdown();
            throw e;
        }
    }

    private Server build(InferenceServer inferenceServer, GrpcSettings settings) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(settings.address())
                .bossEventLoopGroup(transport.boss())
                .workerEventLoopGroup(transport.workers())
                .channelType(transport.channelType())
                .executor(executor)
                .maxInboundMessageSize(Integer.MAX_VALUE);
        KeepaliveOptions.apply(settings.keepalive(), KeepaliveOptions.Target.of(builder));
        BindableService inference = new InferenceService(inferenceServer, settings, streams, tracing::get);
        // The gate is last so that it runs first: a stopping server answers UNAVAILABLE before anything else.
        // RequestParsing wraps the whole chain: bytes that are no valid request end the call with INVALID_ARGUMENT.
        builder.addService(RequestParsing.wrap(settings.restrictions().isEmpty()
                        ? ServerInterceptors.intercept(inference, gate)
                        : ServerInterceptors.intercept(inference, new RestrictedProtocols(settings.restrictions()), gate)))
                .addService(RequestParsing.wrap(ServerInterceptors.intercept(new HealthService(inferenceServer), gate)))
                .addService(RequestParsing.wrap(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(),
                        gate)));
        if (settings.reusePort()) {
            builder.withOption(transport.reusePort(), true);
        }
        if (settings.tls() != null) {
            builder.sslContext(TlsContext.of(settings.tls()));
        }
        return builder.build();
    }

    /**
     * Binds the port.
     *
     * @throws IllegalStateException naming the PID, address and cause when the port cannot be bound
     */
    public void start() {
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            transport.shutdown();
            throw new IllegalStateException("PID " + GrpcSettings.PID + ": cannot listen on " + settings.address()
                    + " (properties address and port): " + e.getMessage(), e);
        }
    }

    /** The bound address, with the actual port when port 0 was configured. */
    public InetSocketAddress localAddress() {
        return server.getListenSockets().isEmpty() ? settings.address()
                : (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** The configured host and the bound port, for log lines ("0.0.0.0:8001"). */
    String describe() {
        return settings.address().getHostString() + ":" + localAddress().getPort();
    }

    /** The server's open streams. */
    Streams streams() {
        return streams;
    }

    /** The event-loop transport in use, "epoll" or "nio". */
    String transportName() {
        return transport.name();
    }

    public void stop() {
        String address = describe();
        gate.close();
        server.shutdown();
        streams.stop();
        try {
            if (!server.awaitTermination(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Triton gRPC frontend on {}: calls still open after {} s; closing them", address,
                        DRAIN_GRACE.toSeconds());
                streams.abort();
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        transport.shutdown();
    }
}
