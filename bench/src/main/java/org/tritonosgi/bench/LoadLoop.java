package org.tritonosgi.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's one event loop thread (named {@value Footprint#LOAD_THREADS}, so that {@link Footprint}
 * leaves its allocations out): every connection, timer and callback of a run lives on it, so the generators need no
 * locks. Epoll where available: its timers (timerfd) fire to the microsecond, which an open loop's schedule needs.
 */
final class LoadLoop implements AutoCloseable {

    final EventLoopGroup group;
    final Class<? extends SocketChannel> channelType;

    LoadLoop() {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(Footprint.LOAD_THREADS, true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
