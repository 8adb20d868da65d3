package io.github.amsjobmonitor.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Credentials for tests, made with the JDK alone: a self-signed client certificate (the JDK's keytool
 * writes it into a PKCS#12 file; the PEM forms are exported from that), and RS256-signed JWTs, as a
 * client assertion or as the federated token a workload identity issuer would write.
 */
public final class TestCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestCredentials() {
    }

    /** A client certificate in every form the monitor reads, all in one folder. */
    public record ClientCertificate(X509Certificate certificate, PrivateKey key, Path pkcs12, String password,
                                    Path pemKeyAndChain, Path pemChain, Path pemKey) {
    }

    /** A new RSA key and self-signed certificate {@code CN=<commonName>}, valid for {@code days} days from now. */
    public static ClientCertificate clientCertificate(Path folder, String commonName, int days) {
        String password = "pkcs12-" + UUID.randomUUID();
        Path pkcs12 = folder.resolve(commonName + ".p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", "CN=" + commonName, "-validity", String.valueOf(days), "-storetype", "PKCS12",
                "-keystore", pkcs12.toString(), "-storepass", password, "-keypass", password);
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey("client", password.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate("client");
            String keyPem = pem("PRIVATE KEY", key.getEncoded());
            String certificatePem = pem("CERTIFICATE", certificate.getEncoded());
            Path both = Files.writeString(folder.resolve(commonName + ".pem"), keyPem + certificatePem);
            Path chain = Files.writeString(folder.resolve(commonName + "-chain.pem"), certificatePem);
            Path keyOnly = Files.writeString(folder.resolve(commonName + "-key.pem"), keyPem);
            return new ClientCertificate(certificate, key, pkcs12, password, both, chain, keyOnly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A federated token as AKS projects it: issuer, subject, audience api://AzureADTokenExchange, given times. */
    public static String federatedToken(PrivateKey issuerKey, String issuer, String subject, String audience,
                                        Instant notBefore, Instant expiry) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", List.of(audience));
        claims.put("exp", expiry.getEpochSecond());
        claims.put("iat", notBefore.getEpochSecond());
        claims.put("iss", issuer);
        claims.put("nbf", notBefore.getEpochSecond());
        claims.put("sub", subject);
        return jwt(issuerKey, Map.of("alg", "RS256", "kid", "test-issuer-key", "typ", "JWT"), claims);
    }

    /** A certificate client assertion as MSAL makes it: iss = sub = client ID, x5t#S256 of the certificate. */
    public static String certificateAssertion(PrivateKey signingKey, X509Certificate certificate, String clientId,
                                              String audience, Instant notBefore, Instant expiry) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("x5t#S256", Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(certificate)));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", clientId);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("nbf", notBefore.getEpochSecond());
        claims.put("exp", expiry.getEpochSecond());
        claims.put("sub", clientId);
        return jwt(signingKey, header, claims);
    }

    /** header.claims.signature, RS256 (SHA256withRSA), base64url without padding. */
    public static String jwt(PrivateKey key, Map<String, Object> header, Map<String, Object> claims) {
        try {
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            String signed = base64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + base64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64.encodeToString(signer.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
