package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
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

    private final HttpServer server;
    private final Queue<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean inputShutdown;

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
        if (!keepOpen || (inputShutdown && queued.isEmpty())) {
            ctx.channel().close();
            return;
        }
        if (!ctx.channel().config().isAutoRead() && queued.size() < MAX_QUEUED) {
            ctx.channel().config().setAutoRead(true);
        }
        next(ctx);
    }

    /** A client that half-closes after its requests still gets every response, then the connection closes. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (!busy && queued.isEmpty()) {
                LOG.debug("Triton HTTP frontend: closing silent connection from {}", ctx.channel().remoteAddress());
                ctx.close();
            }
        } else if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (!busy && queued.isEmpty()) {
                ctx.close();
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
        ctx.close();
    }
}
