package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/**
 * Turns a model's responses into server-sent events for generate_stream. The reply is decided by the first event:
 * an error before any response is an ordinary JSON error with its status; otherwise the 200 stream starts, each
 * response becomes {@code data: <json>}, and a later error becomes {@code data: {"error": ...}}.
 */
final class SseBridge implements ResponseListener {

    private final ByteBufAllocator alloc;
    private final Function<InferenceResponse, ByteBuf> toJson;
    private final CompletableFuture<Reply> reply = new CompletableFuture<>();
    private final List<ByteBuf> pending = new ArrayList<>();
    private Reply.Sink sink;
    private boolean ended;

    SseBridge(ByteBufAllocator alloc, Function<InferenceResponse, ByteBuf> toJson) {
        this.alloc = alloc;
        this.toJson = toJson;
    }

    CompletableFuture<Reply> reply() {
        return reply;
    }

    private Reply stream() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return new Reply(head, null, this::start);
    }

    private synchronized void start(Reply.Sink target) {
        sink = target;
        pending.forEach(target::send);
        pending.clear();
        target.flush();
        if (ended) {
            target.end();
        }
    }

    private ByteBuf event(ByteBuf json) {
        ByteBuf event = alloc.buffer(json.readableBytes() + 8);
        event.writeCharSequence("data: ", StandardCharsets.US_ASCII);
        event.writeBytes(json);
        json.release();
        event.writeCharSequence("\n\n", StandardCharsets.US_ASCII);
        return event;
    }

    private void emit(ByteBuf event, boolean last) {
        if (sink != null) {
            sink.send(event);
            sink.flush();
            if (last) {
                sink.end();
            }
        } else {
            pending.add(event);
            ended |= last;
        }
    }

    @Override
    public synchronized void onResponse(InferenceResponse response) {
        ByteBuf event;
        try {
            event = event(toJson.apply(response));
        } catch (TritonException e) {
            onError(e);
            return;
        } finally {
            response.close();
        }
        reply.complete(stream());
        emit(event, false);
    }

    @Override
    public synchronized void onComplete() {
        reply.complete(stream());
        if (sink != null) {
            sink.end();
        } else {
            ended = true;
        }
    }

    @Override
    public synchronized void onError(TritonException error) {
        if (reply.complete(Reply.full(Responses.error(alloc, error), null))) {
            return;
        }
        emit(event(Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("error", error.getMessage());
            out.writeEndObject();
        })), true);
    }
}
