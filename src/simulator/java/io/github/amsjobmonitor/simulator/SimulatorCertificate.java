package io.github.amsjobmonitor.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A key pair and a self-signed certificate made when the simulator starts, so that it can serve
 * HTTPS the way AMS and Entra ID do, and a client can trust it through the standard
 * {@code javax.net.ssl.trustStore} properties ({@link #writeTrustStore}).
 *
 * <p>Made by the JDK's own {@code keytool} (in {@code java.home}): the JDK has no public API that
 * builds a certificate, hand-written DER would be a hundred lines to maintain, and BouncyCastle
 * would be a new dependency in the runtime jar for the sake of a test tool. Self-signed rather than
 * a CA: the client trusts exactly this certificate, and hostname verification still applies to its
 * subject alternative names, which is what the tests need. It is valid for 2 days: it lives as
 * long as one simulator.
 */
public final class SimulatorCertificate {

    /** The truststore's password: it guards nothing secret (a public certificate), as the JDK's cacerts. */
    public static final String TRUSTSTORE_PASSWORD = "changeit";
    private static final String ALIAS = "ams-simulator";

    private final KeyStore keyStore;
    private final char[] password;
    private final List<String> subjectAlternativeNames;

    private SimulatorCertificate(KeyStore keyStore, char[] password, List<String> subjectAlternativeNames) {
        this.keyStore = keyStore;
        this.password = password;
        this.subjectAlternativeNames = subjectAlternativeNames;
    }

    /** For the simulator's own addresses: {@code ip:127.0.0.1, dns:localhost}. */
    public static SimulatorCertificate forLoopback() {
        return generate("ip:127.0.0.1", "dns:localhost");
    }

    /**
     * @param subjectAlternativeNames keytool's SAN entries, such as {@code ip:127.0.0.1} or
     *                                {@code dns:localhost} (a test of hostname checks gives others)
     */
    public static SimulatorCertificate generate(String... subjectAlternativeNames) {
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ams-simulator-tls");
            Path store = dir.resolve("simulator.p12");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=AMS simulator", "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12",
                    // the password through the environment, not the process list
                    "-storepass:env", "SIMULATOR_STOREPASS", "-keypass:env", "SIMULATOR_STOREPASS"));
            if (subjectAlternativeNames.length > 0) {
                command.add("-ext");
                command.add("SAN=" + String.join(",", subjectAlternativeNames));
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("SIMULATOR_STOREPASS", new String(password));
            Process keytool = builder.start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make the simulator's certificate: " + output.trim());
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password);
            }
            return new SimulatorCertificate(keyStore, password, List.of(subjectAlternativeNames));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the simulator's certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the simulator's certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the simulator's certificate", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    public X509Certificate certificate() {
        try {
            return (X509Certificate) keyStore.getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> subjectAlternativeNames() {
        return subjectAlternativeNames;
    }

    /** The server side: this key and certificate, nothing else (the JVM's default TLS settings stay untouched). */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the simulator's certificate", e);
        }
    }

    /**
     * Writes a PKCS#12 truststore that holds only this certificate, password {@value #TRUSTSTORE_PASSWORD}:
     * a client trusts the simulator with {@code -Djavax.net.ssl.trustStore=<file>
     * -Djavax.net.ssl.trustStorePassword=changeit} (PKCS#12 is the JDK's default store type).
     */
    public Path writeTrustStore(Path file) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate());
            createParent(file);
            try (OutputStream out = Files.newOutputStream(file)) {
                trust.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the truststore " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the truststore " + file, e);
        }
    }

    /**
     * Writes a PKCS#12 keystore with this key and certificate under the given password: for a server
     * other than the simulator that must serve TLS with it, such as a test's Kafka broker
     * ({@code ssl.keystore.location}).
     */
    public Path writeKeyStore(Path file, String storePassword) {
        try {
            KeyStore out = KeyStore.getInstance("PKCS12");
            out.load(null, null);
            out.setKeyEntry(ALIAS, keyStore.getKey(ALIAS, password), storePassword.toCharArray(),
                    keyStore.getCertificateChain(ALIAS));
            createParent(file);
            try (OutputStream stream = Files.newOutputStream(file)) {
                out.store(stream, storePassword.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keystore " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the keystore " + file, e);
        }
    }

    /** Writes the certificate as PEM, for tools such as {@code curl --cacert}. */
    public Path writePem(Path file) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate().getEncoded());
            createParent(file);
            Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp folder left behind holds only a throwaway test key
        }
    }
}
