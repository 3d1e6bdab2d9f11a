package org.tritonosgi.http.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of each connection: TLS first when use.ssl is on (from the context read at activation), a read-idle
 * timer (a silent connection with no request in progress is closed, so slow or stalled clients cannot hold
 * connections forever), HTTP/1.1 codec with bounded line and header sizes, response compression as Accept-Encoding
 * asks, request decompression (gzip, deflate), an aggregator bounded by max.input.size after decompression (so
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
     * An aggregator that never consolidates: past its default 1024 components it would copy the whole body so far
     * into a new buffer, and a large body read in small pieces would be copied again and again.
     */
    private static HttpObjectAggregator aggregator(int maxInputSize) {
        HttpObjectAggregator aggregator = new HttpObjectAggregator(maxInputSize);
        aggregator.setMaxCumulationBufferComponents(Integer.MAX_VALUE);
        return aggregator;
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
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
                .addLast("compressor", new HttpContentCompressor())
                .addLast("decompressor", new HttpContentDecompressor(0))
                .addLast("aggregator", aggregator(server.settings().maxInputSize()))
                .addLast("handler", new RequestHandler(server));
    }
}
