package io.github.amsjobmonitor.testsupport;

import io.github.amsjobmonitor.simulator.SimulatorCertificate;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local broker as its own process for the demo: {@code LocalKafkaMain [port=9092] [dataDir=target/kafka-data]}.
 * Prints {@code KAFKA READY <bootstrap>} once clients can connect; SIGINT/SIGTERM stop it cleanly.
 *
 * <p>{@code LocalKafkaMain <port> <dataDir> sasl-ssl} makes SASL_SSL its only client listener (SCRAM-SHA-512
 * over TLS, a self-signed certificate for 127.0.0.1 and localhost made at start): one SCRAM user
 * {@code ams-job-monitor} whose password is the environment variable {@code KAFKA_SASL_PASSWORD}, and the
 * clients' truststore written to {@code <dataDir>/../tls/truststore.p12} (password {@code changeit}). This
 * is how the README's "Connecting to a secured Kafka" output was made.
 */
public final class LocalKafkaMain {

    static final String SASL_USER = "ams-job-monitor";

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        Path dataDir = Path.of(args.length > 1 ? args[1] : "target/kafka-data");
        boolean saslSsl = args.length > 2 && args[2].equals("sasl-ssl");
        LocalKafkaBroker broker;
        try {
            broker = LocalKafkaBroker.start(dataDir, port, 1, saslSsl ? saslSsl(dataDir) : null);
        } catch (RuntimeException e) {
            // exit rather than linger: the demo script must not wait for a READY that never comes
            System.err.println("KAFKA FAILED " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "local-kafka-stop"));
        // The demo script waits for this exact line.
        System.out.println("KAFKA READY " + broker.bootstrapServers() + (saslSsl ? " SASL_SSL" : ""));
        System.out.flush();
        stopped.await();
    }

    private static LocalKafkaBroker.SaslSsl saslSsl(Path dataDir) {
        String password = System.getenv("KAFKA_SASL_PASSWORD");
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("sasl-ssl needs the SCRAM password of " + SASL_USER + " in KAFKA_SASL_PASSWORD");
        }
        Path tls = dataDir.toAbsolutePath().getParent().resolve("tls");
        SimulatorCertificate certificate = SimulatorCertificate.forLoopback();
        String storePassword = Long.toHexString(new SecureRandom().nextLong());
        return new LocalKafkaBroker.SaslSsl(
                certificate.writeKeyStore(tls.resolve("broker.p12"), storePassword), storePassword,
                certificate.writeTrustStore(tls.resolve("truststore.p12")), SimulatorCertificate.TRUSTSTORE_PASSWORD,
                Map.of(SASL_USER, password));
    }
}
