package org.tritonosgi.metrics.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The Netty listener of the metrics frontend: GET /metrics (or /metrics/) answers the current Prometheus text. */
public final class MetricsServer {

    private final MetricsSettings settings;
    private final TritonMetrics metrics;
    private final EventLoopGroup group;
    private Channel listener;

    public MetricsServer(org.tritonosgi.api.InferenceServer server, MetricsSettings settings) {
        this.settings = settings;
        this.metrics = new TritonMetrics(server);
        this.group = new MultiThreadIoEventLoopGroup(settings.threads(),
                new DefaultThreadFactory("triton-metrics", true), NioIoHandler.newFactory());
    }

    /**
     * @throws IllegalStateException naming the PID, address and cause when the port cannot be bound
     */
    public void start() {
        try {
            listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec(8192, 16384, 8192),
                                    new HttpObjectAggregator(65536), new Scrape());
                        }
                    }).bind(settings.address()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw new IllegalStateException("PID " + MetricsSettings.PID + ": cannot listen on " + settings.address()
                    + " (properties address and port): " + e.getMessage(), e);
        }
    }

    public InetSocketAddress localAddress() {
        return listener == null ? settings.address() : (InetSocketAddress) listener.localAddress();
    }

    String describe() {
        return settings.address().getHostString() + ":" + localAddress().getPort();
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers one scrape; computing the text is cheap and never blocks, so it runs on the event loop. */
    private final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).path();
            FullHttpResponse response;
            if (!"/metrics".equals(path) && !"/metrics/".equals(path)) {
                response = error(HttpResponseStatus.NOT_FOUND, "Not Found");
            } else if (!HttpMethod.GET.equals(request.method())) {
                response = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
            } else {
                response = text(metrics.scrape());
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static FullHttpResponse text(String body) {
        FullHttpResponse response = response(HttpResponseStatus.OK, Unpooled.copiedBuffer(body,
                StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        FullHttpResponse response = response(status, Unpooled.copiedBuffer("{\"error\":\"" + message + "\"}",
                StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return response;
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
