package org.tritonosgi.grpc.internal;

import io.grpc.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client that writes gRPC frames by hand, for what a gRPC client library refuses to send: a message
 * whose length prefix claims more than the server's maximum receive size (2 GiB - 1) without sending it.
 */
final class RawGrpcFrames implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;
    private final int port;

    RawGrpcFrames(int port) throws InterruptedException {
        this.port = port;
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        // no server-initiated streams in gRPC
                                    }
                                }));
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /**
     * Opens a call to the method, sends a message frame whose prefix declares {@code declaredLength} bytes
     * followed by {@code body}, and returns the status the server ends the call with.
     */
    Status call(String fullMethodName, int declaredLength, byte[] body, boolean endStream) throws Exception {
        CompletableFuture<Status> status = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        if (frame instanceof Http2HeadersFrame headers && headers.headers().contains("grpc-status")) {
                            CharSequence message = headers.headers().get("grpc-message");
                            status.complete(Status.fromCodeValue(Integer.parseInt(
                                    headers.headers().get("grpc-status").toString())).withDescription(message == null
                                    ? null : URLDecoder.decode(message.toString().replace("+", "%2B"),
                                            StandardCharsets.UTF_8)));
                        } else if (frame instanceof Http2ResetFrame reset) {
                            status.complete(Status.INTERNAL.withDescription("stream reset without a status, HTTP/2 "
                                    + "error " + reset.errorCode()));
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        status.complete(Status.UNAVAILABLE.withDescription("stream closed without a status"));
                    }
                }).open().sync().getNow();
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http")
                .authority("127.0.0.1:" + port).path("/" + fullMethodName)
                .add("content-type", "application/grpc").add("te", "trailers");
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        ByteBuf frame = Unpooled.buffer(5 + body.length).writeByte(0).writeInt(declaredLength).writeBytes(body);
        stream.writeAndFlush(new DefaultHttp2DataFrame(frame, endStream));
        try {
            return status.get(10, TimeUnit.SECONDS);
        } finally {
            stream.close();
        }
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
