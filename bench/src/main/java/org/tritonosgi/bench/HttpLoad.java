package org.tritonosgi.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 load generator on Netty, loopback only: {@code concurrency} keep-alive connections on the
 * {@link LoadLoop}, one request at a time on each (no pipelining), the same request every time. Closed loop: each
 * connection sends again as soon as its response arrives. Open loop: an {@link OpenLoop} hands due requests to idle
 * connections. A response that is not 200, or a broken connection, counts as an error.
 */
final class HttpLoad {

    /** What to send: the path, the whole body and extra headers. */
    record Request(String path, byte[] body, Map<String, String> headers) {
    }

    private HttpLoad() {
    }

    static LoadResult run(int port, Request request, LoadSpec spec) throws InterruptedException {
        // one direct copy of the body for every send: a heap buffer would be copied to a direct one at each write
        ByteBuf body = Unpooled.directBuffer(request.body().length).writeBytes(request.body());
        ByteBuf shared = Unpooled.unreleasableBuffer(body);
        try (LoadLoop loop = new LoadLoop()) {
            List<Connection> connections = new ArrayList<>();
            List<Channel> channels = new ArrayList<>();
            try {
                for (int slot = 0; slot < spec.concurrency(); slot++) {
                    Connection connection = new Connection(slot, request, shared);
                    connections.add(connection);
                    channels.add(new Bootstrap().group(loop.group).channel(loop.channelType)
                            .option(ChannelOption.TCP_NODELAY, true)
                            .handler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel ch) {
                                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 30),
                                            connection);
                                }
                            }).connect("127.0.0.1", port).sync().channel());
                }
                return spec.isOpen() ? open(loop, connections, spec) : closed(loop, connections, spec);
            } finally {
                channels.forEach(channel -> channel.close().syncUninterruptibly());
            }
        } finally {
            body.release();
        }
    }

    private static LoadResult closed(LoadLoop loop, List<Connection> connections, LoadSpec spec)
            throws InterruptedException {
        long now = System.nanoTime();
        Tally tally = new Tally(now + spec.warmup().toNanos());
        long stopAt = tally.measureFrom + spec.measure().toNanos();
        CountDownLatch done = new CountDownLatch(connections.size());
        // a request sent once the measured part has begun takes a permit, so at most maxRequests are measured
        AtomicLong permits = new AtomicLong(spec.maxRequests());
        tally.startFootprintAt(loop.group.next());
        for (Connection connection : connections) {
            connection.listener = new Listener() {
                @Override
                public void answered(Connection c, long sentAt, boolean ok, long at) {
                    if (ok) {
                        tally.record(sentAt, at);
                    } else {
                        tally.error();
                    }
                    // past the end only while nothing was measured yet (a stalled machine must not give an empty
                    // row)
                    if ((at >= stopAt && tally.measuredAny()) || tally.tooManyErrors()
                            || !c.sendIfPermitted(tally, permits)) {
                        done.countDown();
                    }
                }

                @Override
                public void broken(Connection c, long sentAt) {
                    tally.error();
                    done.countDown();
                }
            };
            loop.group.execute(() -> {
                if (!connection.sendIfPermitted(tally, permits)) {
                    done.countDown();
                }
            });
        }
        if (!done.await(spec.deadline().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("HTTP load run did not finish in time: " + spec);
        }
        return tally.result();
    }

    private static LoadResult open(LoadLoop loop, List<Connection> connections, LoadSpec spec)
            throws InterruptedException {
        OpenLoop schedule = new OpenLoop(loop.group.next(), spec, (self, slot, dueAt) ->
                connections.get(slot).send(dueAt));
        Listener listener = new Listener() {
            @Override
            public void answered(Connection c, long dueAt, boolean ok, long at) {
                schedule.completed(c.slot, dueAt, ok);
            }

            @Override
            public void broken(Connection c, long dueAt) {
                schedule.completed(c.slot, dueAt, false);
            }
        };
        connections.forEach(c -> c.listener = listener);
        schedule.start();
        if (!schedule.await(spec.deadline().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("HTTP open-loop run did not finish in time: " + spec);
        }
        return schedule.tally().result();
    }

    /** Hears what becomes of each request a connection sends. */
    private interface Listener {
        /** @param from the time given to {@link Connection#send} */
        void answered(Connection connection, long from, boolean ok, long at);

        void broken(Connection connection, long from);
    }

    /** One keep-alive connection: sends the request when told, reports the response. */
    private static final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        final int slot;
        private final Request request;
        private final ByteBuf body;
        Listener listener;
        private ChannelHandlerContext ctx;
        private long from;
        private boolean busy;

        Connection(int slot, Request request, ByteBuf body) {
            this.slot = slot;
            this.request = request;
            this.body = body;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Sends the request; {@code from} is the time its latency counts from. Runs on the load loop. */
        void send(long from) {
            this.from = from;
            busy = true;
            FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    request.path(), body.duplicate());
            message.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
            message.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
            request.headers().forEach(message.headers()::set);
            ctx.writeAndFlush(message).addListener(written -> {
                if (!written.isSuccess()) {
                    ctx.close();
                }
            });
        }

        /** Closed loop: sends now unless the measured part has begun and its permits are used up. */
        boolean sendIfPermitted(Tally tally, AtomicLong permits) {
            long now = System.nanoTime();
            if (now >= tally.measureFrom && permits.getAndDecrement() <= 0) {
                return false;
            }
            send(now);
            return true;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long at = System.nanoTime();
            busy = false;
            listener.answered(this, from, response.status().code() == 200, at);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (busy) {
                busy = false;
                listener.broken(this, from);
            }
        }
    }
}
