package org.tritonosgi.grpc.internal;

import io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.TimeUnit;

/**
 * Puts the keepalive and connection-age settings on a server builder. The builder is seen through {@link Target},
 * whose methods are NettyServerBuilder's, because grpc-java offers no way to read them back from a built server:
 * tests observe the target instead. Triton's http2.max.pings.without.data and http2.max.ping.strikes have no
 * grpc-java setting (its keepalive enforcer allows two strikes, fixed), so they are validated and not applied.
 */
final class KeepaliveOptions {

    /** The keepalive knobs of a server builder. */
    interface Target {
        void keepAliveTime(long time, TimeUnit unit);

        void keepAliveTimeout(long timeout, TimeUnit unit);

        void permitKeepAliveWithoutCalls(boolean permit);

        void permitKeepAliveTime(long time, TimeUnit unit);

        void maxConnectionAge(long age, TimeUnit unit);

        void maxConnectionAgeGrace(long grace, TimeUnit unit);

        /** The knobs of a grpc-java Netty server builder. */
        static Target of(NettyServerBuilder builder) {
            return new Target() {
                @Override
                public void keepAliveTime(long time, TimeUnit unit) {
                    builder.keepAliveTime(time, unit);
                }

                @Override
                public void keepAliveTimeout(long timeout, TimeUnit unit) {
                    builder.keepAliveTimeout(timeout, unit);
                }

                @Override
                public void permitKeepAliveWithoutCalls(boolean permit) {
                    builder.permitKeepAliveWithoutCalls(permit);
                }

                @Override
                public void permitKeepAliveTime(long time, TimeUnit unit) {
                    builder.permitKeepAliveTime(time, unit);
                }

                @Override
                public void maxConnectionAge(long age, TimeUnit unit) {
                    builder.maxConnectionAge(age, unit);
                }

                @Override
                public void maxConnectionAgeGrace(long grace, TimeUnit unit) {
                    builder.maxConnectionAgeGrace(grace, unit);
                }
            };
        }
    }

    private KeepaliveOptions() {
    }

    static void apply(GrpcSettings.Keepalive keepalive, Target target) {
        target.keepAliveTime(keepalive.time().toMillis(), TimeUnit.MILLISECONDS);
        target.keepAliveTimeout(keepalive.timeout().toMillis(), TimeUnit.MILLISECONDS);
        target.permitKeepAliveWithoutCalls(keepalive.permitWithoutCalls());
        target.permitKeepAliveTime(keepalive.minRecvPingInterval().toMillis(), TimeUnit.MILLISECONDS);
        target.maxConnectionAge(keepalive.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS);
        target.maxConnectionAgeGrace(keepalive.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS);
    }
}
