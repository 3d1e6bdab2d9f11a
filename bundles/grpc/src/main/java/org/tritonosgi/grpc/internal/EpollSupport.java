package org.tritonosgi.grpc.internal;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

/** The only class touching Netty's epoll transport, so that its package may be absent (an optional import). */
final class EpollSupport {

    private EpollSupport() {
    }

    static boolean available() {
        return Epoll.isAvailable();
    }

    static IoHandlerFactory factory() {
        return EpollIoHandler.newFactory();
    }

    static Class<? extends ServerChannel> channelType() {
        return EpollServerSocketChannel.class;
    }

    static ChannelOption<Boolean> reusePort() {
        return EpollChannelOption.SO_REUSEPORT;
    }
}
