package org.tritonosgi.grpc.internal;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Builds the server's TLS context from PEM files: server chain and key, and the client roots for mutual TLS. */
final class TlsContext {

    private TlsContext() {
    }

    /**
     * @throws IllegalArgumentException naming the PID and files when they cannot be used
     */
    static SslContext of(GrpcSettings.Tls tls) {
        try {
            SslContextBuilder builder = GrpcSslContexts.forServer(tls.certChain().toFile(), tls.privateKey().toFile());
            if (tls.rootCert() != null) {
                builder.trustManager(tls.rootCert().toFile());
            }
            builder.clientAuth(tls.mutual() ? ClientAuth.REQUIRE
                    : tls.rootCert() != null ? ClientAuth.OPTIONAL : ClientAuth.NONE);
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("PID " + GrpcSettings.PID + ": cannot use TLS files server.cert '"
                    + tls.certChain() + "', server.key '" + tls.privateKey() + "'"
                    + (tls.rootCert() == null ? "" : ", root.cert '" + tls.rootCert() + "'") + ": " + e.getMessage(), e);
        }
    }
}
