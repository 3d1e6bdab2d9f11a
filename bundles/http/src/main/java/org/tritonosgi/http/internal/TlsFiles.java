package org.tritonosgi.http.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Reads the TLS files of one activation and builds its server context. The files are parsed here rather than by
 * Netty so that each one is checked on its own and a key that does not belong to the certificate is refused at
 * activation: the JDK provider would accept the pair and only fail every handshake later.
 */
final class TlsFiles {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private TlsFiles() {
    }

    /**
     * @return the server's TLS settings, or null when use.ssl is false
     * @throws IllegalArgumentException naming the PID, property and value of the file that cannot be used
     */
    static HttpSettings.Tls load(HttpConfig config) {
        if (!config.use_ssl()) {
            return null;
        }
        Path certFile = readable("server.cert", config.server_cert());
        Path keyFile = readable("server.key", config.server_key());
        boolean hasRoot = config.root_cert() != null && !config.root_cert().isBlank();
        if (config.use_mutual_auth() && !hasRoot) {
            throw HttpSettings.invalid("root.cert", config.root_cert(),
                    "a PEM file of client CA certificates when use.mutual.auth is true");
        }
        Path rootFile = hasRoot ? readable("root.cert", config.root_cert()) : null;
        List<X509Certificate> chain = certificates("server.cert", certFile);
        PrivateKey key = privateKey(keyFile, chain.get(0).getPublicKey());
        if (!belongsTo(key, chain.get(0).getPublicKey())) {
            throw HttpSettings.invalid("server.key", keyFile, "the private key of the certificate in server.cert '"
                    + certFile + "'");
        }
        // Read even without mutual TLS, so a wrong root.cert shows now rather than when mutual TLS is switched on.
        List<X509Certificate> roots = rootFile == null ? null : certificates("root.cert", rootFile);
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(SslProvider.JDK);
            if (config.use_mutual_auth()) {
                builder.trustManager(roots.toArray(new X509Certificate[0])).clientAuth(ClientAuth.REQUIRE);
            }
            return new HttpSettings.Tls(builder.build(), config.use_mutual_auth());
        } catch (SSLException | IllegalArgumentException e) {
            throw HttpSettings.invalid("server.cert", certFile, "a certificate and key the JDK TLS provider accepts ("
                    + e.getMessage() + ")");
        }
    }

    private static Path readable(String property, String file) {
        try {
            Path path = file == null || file.isBlank() ? null : Path.of(file.trim());
            if (path != null && Files.isReadable(path) && !Files.isDirectory(path)) {
                return path;
            }
        } catch (InvalidPathException e) {
            // reported below like any other unusable file
        }
        throw HttpSettings.invalid(property, file, "a readable PEM file when use.ssl is true");
    }

    private static List<X509Certificate> certificates(String property, Path file) {
        try {
            byte[] pem = Files.readAllBytes(file);
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (!certificates.isEmpty()) {
                return certificates;
            }
        } catch (IOException | GeneralSecurityException e) {
            throw HttpSettings.invalid(property, file, "a PEM file of X.509 certificates (" + e.getMessage() + ")");
        }
        throw HttpSettings.invalid(property, file, "a PEM file of X.509 certificates (BEGIN CERTIFICATE)");
    }

    /** Tries the certificate's key algorithm first, so a key of another algorithm reads as not belonging to it. */
    private static PrivateKey privateKey(Path file, PublicKey certificateKey) {
        String expected = "an unencrypted PKCS#8 PEM private key (BEGIN PRIVATE KEY; openssl pkcs8 -topk8 -nocrypt"
                + " converts other forms)";
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw HttpSettings.invalid("server.key", file, expected + ": " + e.getMessage());
        }
        int begin = pem.indexOf(KEY_BEGIN);
        int end = pem.indexOf(KEY_END, begin + 1);
        if (begin < 0 || end < 0) {
            throw HttpSettings.invalid("server.key", file, expected);
        }
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(
                    pem.substring(begin + KEY_BEGIN.length(), end)));
        } catch (IllegalArgumentException e) {
            throw HttpSettings.invalid("server.key", file, expected + " (bad base64: " + e.getMessage() + ")");
        }
        Set<String> algorithms = new LinkedHashSet<>(List.of(certificateKey.getAlgorithm(), "RSA", "EC", "EdDSA",
                "RSASSA-PSS", "DSA"));
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw HttpSettings.invalid("server.key", file, expected);
    }

    /** Signs a random challenge with the key and verifies it with the certificate's public key. */
    private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus());
        }
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String signature = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (signature == null) {
            return true; // no check known for this algorithm; a wrong key then fails at the handshake
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signed = signer.sign();
            signer.initVerify(publicKey);
            signer.update(challenge);
            return signer.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
