package org.tritonosgi.http.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of each connection: TLS first when use.ssl is on (from the context read at activation), a read-idle
 * timer (a silent connection with no request in progress is closed, so slow or stalled clients cannot hold
 * connections forever), HTTP/1.1 codec with bounded line and header sizes, compression of infer responses as
 * Accept-Encoding asks, request decompression (gzip, deflate), an aggregator bounded by max.input.size after decompression (so
 * compressed bombs get 413 too), then the request handler.
 */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 16384;
    private static final int MAX_CHUNK_SIZE = 65536;

    private final HttpServer server;

    HttpInitializer(HttpServer server) {
        this.server = server;
    }

    /**
     * An aggregator that never consolidates (past its default 1024 components it would copy the whole body so far
     * into a new buffer, and a large body read in small pieces would be copied again and again); that answers a
     * body past max.input.size, announced or decompressed, with 413 and a JSON error naming the limit (Netty's own
     * answer has an empty body), then closes, reading no more of it; and that tells the request handler when the
     * client half-closes in the middle of a request (Netty's decoder then drops the partial request silently).
     */
    private static final class BoundedAggregator extends HttpObjectAggregator {

        private final int maxInputSize;
        private boolean partial;

        BoundedAggregator(int maxInputSize) {
            super(maxInputSize);
            this.maxInputSize = maxInputSize;
            setMaxCumulationBufferComponents(Integer.MAX_VALUE);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
            if (msg instanceof HttpMessage) {
                partial = true;
            }
            if (msg instanceof LastHttpContent) {
                partial = false;
            }
            super.decode(ctx, msg, out);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent && partial) {
                partial = false;
                ctx.fireUserEventTriggered(RequestHandler.CUT_SHORT);
            }
            super.userEventTriggered(ctx, event);
        }

        /**
         * As Netty's own: a keep-alive request whose body is still coming keeps its connection (the aggregator
         * discards the rest of the body), since closing while the client still sends makes TCP reset the
         * connection and the client may never read the 413; otherwise the connection closes after the answer.
         */
        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            boolean keepOpen = !(oversized instanceof FullHttpMessage)
                    && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
            long announced = HttpUtil.getContentLength(oversized, -1L);
            tooLarge(ctx, maxInputSize, announced > maxInputSize ? announced : -1, !keepOpen, !keepOpen);
        }
    }

    /**
     * Answers 413 with a JSON error in Triton's words (which Triton sends with 400), naming max.input.size.
     *
     * @param size          the body's size when known (announced), else -1
     * @param announceClose whether the answer says the connection will close
     * @param closeNow      whether it closes once the answer is written
     */
    private static void tooLarge(ChannelHandlerContext ctx, int maxInputSize, long size, boolean announceClose,
            boolean closeNow) {
        FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "Request JSON size of " + (size >= 0 ? size : "more than " + maxInputSize) + " bytes exceeds the "
                        + "maximum allowed value of " + maxInputSize + " bytes. Use --http-max-input-size to "
                        + "increase the limit (here: the HTTP frontend's property max.input.size, which bounds the "
                        + "body before and after decompression)");
        if (announceClose) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener(closeNow ? ChannelFutureListener.CLOSE
                : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * Bounds a compressed body as it arrives, before decompression (an uncompressed one is the aggregator's alone,
     * so that it is answered once): the aggregator bounds what decompression yields, but a
     * compressed body that yields (almost) nothing, such as endless empty gzip members, would otherwise stream in
     * for as long as the client likes. Past the limit it answers 413 and discards the rest of the body (the
     * request half-read downstream cannot be finished), closing once the body ends, so that a client still
     * sending is not reset before it reads the answer, or once as much again has come, so that none streams on.
     */
    private static final class RawBodyLimit extends ChannelInboundHandlerAdapter {

        private final int maxInputSize;
        private long seen;
        private boolean refused;
        /** Whether the current request's body is compressed, so this stage bounds it. */
        private boolean counting;

        RawBodyLimit(int maxInputSize) {
            this.maxInputSize = maxInputSize;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpMessage message) {
                seen = 0;
                refused = false;
                // an uncompressed body is the aggregator's to bound (it answers an announced length at once and
                // keeps the connection); counting it here too answered it twice and closed what it had kept open
                String encoding = message.headers().get(HttpHeaderNames.CONTENT_ENCODING);
                counting = encoding != null && !encoding.isBlank()
                        && !HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(encoding.trim());
            }
            if (counting && msg instanceof HttpContent content) {
                seen += content.content().readableBytes();
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    if (msg instanceof LastHttpContent || seen > 2L * maxInputSize) {
                        ctx.close();
                    }
                    return;
                }
                if (seen > maxInputSize) {
                    refused = true;
                    boolean last = msg instanceof LastHttpContent;
                    ReferenceCountUtil.release(msg);
                    tooLarge(ctx, maxInputSize, -1, true, last);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        server.connectionOpened(channel);
        HttpSettings.Tls tls = server.settings().tls();
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.context().newHandler(channel.alloc()));
        }
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(server.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE)
                        .setMaxHeaderSize(MAX_HEADER_SIZE).setMaxChunkSize(MAX_CHUNK_SIZE)
                        // Triton (libevhtp) reads a chunked body whose request also carries Content-Length, as
                        // Python requests sends L0_http's manually chunked one; RFC 7230 lets Transfer-Encoding
                        // win, and Netty then closes the connection after the answer (no smuggling on it)
                        .setUseRfc9112TransferEncoding(false)))
                .addLast("compressor", new InferCompressor())
                .addLast("raw-limit", new RawBodyLimit(server.settings().maxInputSize()))
                .addLast("decompressor", new HttpContentDecompressor(0))
                .addLast("aggregator", new BoundedAggregator(server.settings().maxInputSize()))
                .addLast("handler", new RequestHandler(server));
    }
}
