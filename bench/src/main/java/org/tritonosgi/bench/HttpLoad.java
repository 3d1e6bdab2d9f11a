package org.tritonosgi.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 load generator on Netty: a fixed number of keep-alive connections, each sending the same
 * request again as soon as its response arrives, for a warm-up and then a measured period, loopback only. Latency
 * goes to an HdrHistogram; a response that is not 200 counts as an error.
 */
final class HttpLoad {

    private HttpLoad() {
    }

    static LoadResult run(int port, String path, byte[] body, Map<String, String> headers, int connections,
            Duration warmup, Duration measure) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Recorder recorder = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long stopAt = System.nanoTime() + warmup.toNanos() + measure.toNanos();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        CountDownLatch done = new CountDownLatch(connections);
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                channels.add(new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 30),
                                        new Loop(path, body, headers, recorder, completed, errors, measureFrom, stopAt,
                                                done));
                            }
                        }).connect("127.0.0.1", port).sync().channel());
            }
            if (!done.await(warmup.toMillis() + measure.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("load run did not finish in time");
            }
            var histogram = recorder.getIntervalHistogram();
            double seconds = measure.toNanos() / 1e9;
            return new LoadResult(completed.get() / seconds, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, errors.get());
        } finally {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** One connection's request loop. */
    private static final class Loop extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String path;
        private final byte[] body;
        private final Map<String, String> headers;
        private final Recorder recorder;
        private final AtomicLong completed;
        private final AtomicLong errors;
        private final long measureFrom;
        private final long stopAt;
        private final CountDownLatch done;
        private long sentAt;

        Loop(String path, byte[] body, Map<String, String> headers, Recorder recorder, AtomicLong completed,
                AtomicLong errors, long measureFrom, long stopAt, CountDownLatch done) {
            this.path = path;
            this.body = body;
            this.headers = headers;
            this.recorder = recorder;
            this.completed = completed;
            this.errors = errors;
            this.measureFrom = measureFrom;
            this.stopAt = stopAt;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            headers.forEach(request.headers()::set);
            sentAt = System.nanoTime();
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            if (response.status().code() != 200) {
                errors.incrementAndGet();
            }
            if (sentAt >= measureFrom) {
                recorder.recordValue(now - sentAt);
                completed.incrementAndGet();
            }
            if (now < stopAt) {
                send(ctx);
            } else {
                done.countDown();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            done.countDown();
            ctx.close();
        }
    }
}
