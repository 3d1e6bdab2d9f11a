package org.tritonosgi.http.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.trace.Tracing;

/**
 * The Netty server of one HTTP frontend: its event loops, listening channel and open connections. Stopping
 * closes the port, answers requests that still arrive with 503, waits for in-flight requests up to a grace
 * period, then closes every connection and the event loops.
 */
public final class HttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** How long stopping waits for in-flight requests. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

    private final HttpSettings settings;
    private final Endpoints endpoints;
    private final boolean epoll;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup("triton-http", ImmediateEventExecutor.INSTANCE);
    private final Object drainLock = new Object();
    private int inFlight;
    private volatile boolean closing;
    private Channel listener;

    /** How long a connection may stay silent with no request in progress (idle, or a request stalled half-sent). */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Duration idleTimeout;
    private final java.util.concurrent.atomic.AtomicReference<Tracing> tracing =
            new java.util.concurrent.atomic.AtomicReference<>();

    public HttpServer(InferenceServer inferenceServer, HttpSettings settings) {
        this(inferenceServer, settings, IDLE_TIMEOUT);
    }

    HttpServer(InferenceServer inferenceServer, HttpSettings settings, Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        this.settings = settings;
        this.endpoints = new Endpoints(inferenceServer, settings, tracing::get);
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("triton-http-accept", true), io);
        this.workers = new MultiThreadIoEventLoopGroup(settings.threads(),
                new DefaultThreadFactory("triton-http", true), io);
    }

    /** Traces requests with this service from now on (the frontend binds it dynamically). */
    public void tracing(Tracing service) {
        tracing.set(service);
    }

    /** Stops tracing with this service, unless another one replaced it already. */
    public void untrace(Tracing service) {
        tracing.compareAndSet(service, null);
    }

    /**
     * Binds the port.
     *
     * @throws IllegalStateException naming the PID, address and cause when the port cannot be bound
     */
    public void start() {
        if (settings.reusePort() && !epoll) {
            throw new IllegalStateException("PID " + HttpSettings.PID + ": property reuse.port needs Linux epoll, "
                    + "which is not available here: " + Epoll.unavailabilityCause());
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new HttpInitializer(this));
        if (settings.reusePort()) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        try {
            listener = bootstrap.bind(settings.address()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked, so catch it by its real type
            shutdownLoops();
            throw new IllegalStateException("PID " + HttpSettings.PID + ": cannot listen on " + settings.address()
                    + " (properties address and port): " + e.getMessage(), e);
        }
    }

    /** The bound address, with the actual port when port 0 was configured. */
    public InetSocketAddress localAddress() {
        return listener == null ? settings.address() : (InetSocketAddress) listener.localAddress();
    }

    /** The configured host and the bound port, for log lines ("0.0.0.0:8000 (epoll)"). */
    String describe() {
        return settings.address().getHostString() + ":" + localAddress().getPort() + (epoll ? " (epoll)" : " (nio)");
    }

    public void stop() {
        closing = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
        synchronized (drainLock) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (inFlight > 0) {
                LOG.warn("Triton HTTP frontend on {}: {} request(s) still in flight after {} s; closing anyway",
                        describe(), inFlight, DRAIN_GRACE.toSeconds());
            }
        }
        connections.close().awaitUninterruptibly(DRAIN_GRACE.toMillis());
        shutdownLoops();
    }

    private void shutdownLoops() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    HttpSettings settings() {
        return settings;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Endpoints endpoints() {
        return endpoints;
    }

    boolean isClosing() {
        return closing;
    }

    void connectionOpened(Channel channel) {
        connections.add(channel);
    }

    void requestStarted() {
        synchronized (drainLock) {
            inFlight++;
        }
    }

    void requestFinished() {
        synchronized (drainLock) {
            inFlight--;
            drainLock.notifyAll();
        }
    }
}
