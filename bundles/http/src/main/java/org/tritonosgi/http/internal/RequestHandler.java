package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;

/**
 * One connection's requests. Requests are answered one at a time in arrival order, so pipelined requests get
 * their responses in order even though inference completes on engine threads; reading pauses while too many
 * wait. A request's buffer is kept until its response is written, since binary inputs are views of it.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    private static final int MAX_QUEUED = 16;

    /** User event: the client half-closed in the middle of a request (see HttpInitializer's aggregator). */
    static final Object CUT_SHORT = new Object() {
        @Override
        public String toString() {
            return "request cut short";
        }
    };

    private final HttpServer server;
    private final Queue<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean inputShutdown;
    private boolean cutShort;

    RequestHandler(HttpServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.add(request);
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
        if (busy || queued.isEmpty()) {
            return;
        }
        FullHttpRequest request = queued.poll();
        busy = true;
        server.requestStarted();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            keepAlive = false;
            reply(ctx, request, Reply.of(Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + request.decoderResult().cause().getMessage())), keepAlive);
        } else if (server.isClosing()) {
            reply(ctx, request, Reply.of(Responses.error(ctx.alloc(),
                    TritonException.unavailable("Server exiting"))), false);
        } else {
            reply(ctx, request, server.endpoints().handle(ctx.alloc(), request), keepAlive);
        }
    }

    private void reply(ChannelHandlerContext ctx, FullHttpRequest request, CompletionStage<Reply> pending,
            boolean keepAlive) {
        pending.whenComplete((reply, failure) -> ctx.executor().execute(() -> {
            Reply answer = failure == null ? reply
                    : Reply.full(Responses.error(ctx.alloc(), TritonException.of(failure)), null);
            write(ctx, request, answer, keepAlive);
        }));
    }

    private void write(ChannelHandlerContext ctx, FullHttpRequest request, Reply reply, boolean keepAlive) {
        HttpResponse response = reply.response();
        if (keepAlive) {
            if (!request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (reply.stream() == null) {
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> finished(ctx, request, reply,
                    keepAlive && f.isSuccess()));
            return;
        }
        ctx.writeAndFlush(response);
        AtomicBoolean ended = new AtomicBoolean();
        reply.stream().accept(new Reply.Sink() {
            @Override
            public void send(ByteBuf chunk) {
                ctx.write(new DefaultHttpContent(chunk));
            }

            @Override
            public void flush() {
                ctx.flush();
            }

            @Override
            public void end() {
                if (ended.compareAndSet(false, true)) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFutureListener) f ->
                            finished(ctx, request, reply, keepAlive && f.isSuccess()));
                }
            }
        });
    }

    /** After the whole response is written (or failed): release, then answer the next queued request. */
    private void finished(ChannelHandlerContext ctx, FullHttpRequest request, Reply reply, boolean keepOpen) {
        request.release();
        if (reply.resource() != null) {
            try {
                reply.resource().close();
            } catch (Exception e) {
                LOG.warn("Triton HTTP frontend: releasing a response failed", e);
            }
        }
        busy = false;
        server.requestFinished();
        if (!keepOpen) {
            ctx.channel().close();
            return;
        }
        if (inputShutdown && queued.isEmpty()) {
            closeAfterInput(ctx);
            return;
        }
        if (!ctx.channel().config().isAutoRead() && queued.size() < MAX_QUEUED) {
            ctx.channel().config().setAutoRead(true);
        }
        next(ctx);
    }

    /**
     * The client's input has ended and every complete request is answered: closes, answering first the request the
     * client cut short (its headers promised more body than came) with 400, so it learns why.
     */
    private void closeAfterInput(ChannelHandlerContext ctx) {
        if (!cutShort) {
            ctx.close();
            return;
        }
        cutShort = false;
        FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                "the request ended before its body was complete (the client closed its side after fewer bytes than "
                        + "Content-Length or the chunked encoding announced)");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** A client that half-closes after its requests still gets every response, then the connection closes. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (!busy && queued.isEmpty()) {
                LOG.debug("Triton HTTP frontend: closing silent connection from {}", ctx.channel().remoteAddress());
                ctx.close();
            }
        } else if (event == CUT_SHORT) {
            cutShort = true;
        } else if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (!busy && queued.isEmpty()) {
                closeAfterInput(ctx);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FullHttpRequest request;
        while ((request = queued.poll()) != null) {
            request.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Triton HTTP frontend: closing connection from {}: {}", ctx.channel().remoteAddress(),
                cause.toString());
        if (cause instanceof DecompressionException && !busy && queued.isEmpty() && ctx.channel().isActive()) {
            // the body being read is not gzip/deflate data as its Content-Encoding says: answer, then close
            FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "the request body could not be decompressed as its Content-Encoding says");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.close();
    }
}
