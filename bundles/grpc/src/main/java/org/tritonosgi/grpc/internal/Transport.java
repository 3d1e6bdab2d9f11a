package org.tritonosgi.grpc.internal;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and server channel type a gRPC server runs on: epoll where Netty's native transport is present
 * and loads, NIO otherwise. The server owns them, so nothing of grpc's shared default loops outlives the bundle.
 */
record Transport(String name, EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> channelType,
        ChannelOption<Boolean> reusePort) {

    static Transport create(int workerThreads) {
        try {
            if (EpollSupport.available()) {
                return of("epoll", EpollSupport.factory(), EpollSupport.channelType(), EpollSupport.reusePort(),
                        workerThreads);
            }
        } catch (LinkageError e) {
            // io.netty.channel.epoll is an optional import: not wired, so NIO it is
        }
        return of("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                io.netty.channel.socket.nio.NioChannelOption.of(java.net.StandardSocketOptions.SO_REUSEPORT),
                workerThreads);
    }

    private static Transport of(String name, IoHandlerFactory factory, Class<? extends ServerChannel> channelType,
            ChannelOption<Boolean> reusePort, int workerThreads) {
        return new Transport(name,
                new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("triton-grpc-accept", true), factory),
                new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("triton-grpc", true), factory),
                channelType, reusePort);
    }

    void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
