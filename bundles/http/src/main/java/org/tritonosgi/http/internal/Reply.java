package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What an endpoint answers: a whole response (and what to release once it is written), or a response head followed
 * by a stream of chunks (server-sent events).
 *
 * @param resource released after the response is written; may be null
 * @param stream   for a streamed reply, starts producing chunks into the sink once the head is written; else null
 */
record Reply(HttpResponse response, AutoCloseable resource, Consumer<Sink> stream) {

    /** Where a streamed reply's chunks go; callable from any thread. */
    interface Sink {
        /** Queues a chunk; it reaches the client at the next flush or at the end. */
        void send(ByteBuf chunk);

        /** Sends what was queued now (server-sent events flush each event). */
        void flush();

        /** Ends the stream; later calls do nothing. */
        void end();
    }

    static CompletionStage<Reply> of(FullHttpResponse response) {
        return CompletableFuture.completedFuture(new Reply(response, null, null));
    }

    static Reply full(FullHttpResponse response, AutoCloseable resource) {
        return new Reply(response, resource, null);
    }
}
