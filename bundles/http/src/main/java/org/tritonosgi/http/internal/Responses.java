package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;

/** Builds responses, and holds the one table mapping Triton error codes to HTTP statuses. */
final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {
    }

    /** Triton's HTTP status for an error code. */
    static HttpResponseStatus status(TritonException.Code code) {
        return switch (code) {
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case UNSUPPORTED -> HttpResponseStatus.NOT_IMPLEMENTED;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            case INVALID_ARG, UNKNOWN, ALREADY_EXISTS, CANCELLED -> HttpResponseStatus.BAD_REQUEST;
        };
    }

    static FullHttpResponse error(ByteBufAllocator alloc, TritonException error) {
        if (error.code() == TritonException.Code.INTERNAL && error.getCause() != null) {
            LOG.warn("Triton HTTP frontend: answering 500 for an internal error", error.getCause());
        }
        return error(alloc, status(error.code()), error.getMessage());
    }

    /** {@code {"error": message}} with the given status. */
    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
        ByteBuf body = Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("error", message);
            out.writeEndObject();
        });
        return json(status, body);
    }

    static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** A response without a body, as the health endpoints send. */
    static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
