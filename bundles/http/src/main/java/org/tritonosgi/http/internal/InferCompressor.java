package org.tritonosgi.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * Compresses successful responses of infer requests as their Accept-Encoding asks, and no others, as Triton does
 * (its infer errors go out plain too).
 * tritonclient.http.aio reads every other answer with aiohttp's decompression off while sending
 * {@code Accept-Encoding: gzip, deflate}, so a compressed metadata or settings answer reaches it as raw gzip.
 */
final class InferCompressor extends HttpContentCompressor {

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpRequest request, List<Object> out) throws Exception {
        Route route = Route.match(new QueryStringDecoder(request.uri()).rawPath());
        if (route == null || route.endpoint() != Route.Endpoint.MODEL_INFER) {
            // the encoder takes what a request accepts from this header alone: without it, identity
            request.headers().remove(HttpHeaderNames.ACCEPT_ENCODING);
        }
        super.decode(ctx, request, out);
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        return response.status().code() == 200 ? super.beginEncode(response, acceptEncoding) : null;
    }
}
