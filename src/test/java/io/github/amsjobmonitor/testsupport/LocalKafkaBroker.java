package io.github.amsjobmonitor.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller in one) inside the current JVM, on loopback.
 * No Docker on this machine, so no Testcontainers: this is the Kafka the tests and the demo talk to.
 */
public final class LocalKafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final String HOST = "127.0.0.1"; // not "localhost": it may resolve to ::1 first
    private static final int NODE_ID = 1;
    private static final String CONTROLLER = "CONTROLLER";

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    private final int defaultPartitions;
    private final SaslSsl saslSsl;
    private KafkaRaftServer server;

    /**
     * A broker whose only client listener is SASL_SSL: TLS with the key and certificate of
     * {@code keyStore} (PKCS#12), then SCRAM-SHA-512 with one of {@code users} (name to password),
     * created when the data dir is formatted. The broker talks to itself over the same listener as
     * its own user; the controller listener stays PLAINTEXT on loopback.
     */
    public record SaslSsl(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
                          Map<String, String> users) {

        public static final String MECHANISM = "SCRAM-SHA-512";
        static final String BROKER_USER = "broker";

        /** The JAAS line a client (or the broker) logs in with as {@code user}. */
        public String jaasConfig(String user) {
            String password = user.equals(BROKER_USER) ? brokerPassword() : users.get(user);
            if (password == null) {
                throw new IllegalArgumentException("no SCRAM user " + user);
            }
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }

        /** A Kafka client's security settings to connect as {@code user}. */
        public Map<String, Object> clientSettings(String user) {
            return Map.of(
                    "security.protocol", "SASL_SSL",
                    "sasl.mechanism", MECHANISM,
                    "sasl.jaas.config", jaasConfig(user),
                    "ssl.truststore.location", trustStore.toString(),
                    "ssl.truststore.password", trustStorePassword,
                    "ssl.truststore.type", "PKCS12");
        }

        private String brokerPassword() {
            return keyStorePassword + "-broker";
        }
    }

    private LocalKafkaBroker(Path dataDir, boolean ownsDataDir, int port, int controllerPort, int defaultPartitions,
                             SaslSsl saslSsl) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.defaultPartitions = defaultPartitions;
        this.saslSsl = saslSsl;
    }

    /** Starts a broker; {@code dataDir} null = a temp dir deleted by {@link #stop()}, {@code port} 0 = a free port. */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, 1);
    }

    /** As {@link #start(Path, int)}, with {@code num.partitions} for auto-created topics. */
    public static LocalKafkaBroker start(Path dataDir, int port, int defaultPartitions) {
        return start(dataDir, port, defaultPartitions, null);
    }

    /** A broker in a temp dir, on a free port, whose only client listener is SASL_SSL ({@link SaslSsl}). */
    public static LocalKafkaBroker startSaslSsl(SaslSsl saslSsl) {
        return start(null, 0, 1, saslSsl);
    }

    /** As {@link #start(Path, int, int)}; a non-null {@code saslSsl} makes SASL_SSL the only client listener. */
    public static LocalKafkaBroker start(Path dataDir, int port, int defaultPartitions, SaslSsl saslSsl) {
        // a free port is found, then bound by the broker: another process (the other test JVM, a monitor
        // child) may take it in between; with ports of our own choosing, try again on fresh ones
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir, port, defaultPartitions, saslSsl);
            } catch (RuntimeException e) {
                if (port != 0 || attempt == 3 || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static LocalKafkaBroker startOnce(Path dataDir, int port, int defaultPartitions, SaslSsl saslSsl) {
        try {
            boolean temp = dataDir == null;
            Path dir = temp ? Files.createTempDirectory("local-kafka-") : dataDir.toAbsolutePath();
            Files.createDirectories(dir);
            LocalKafkaBroker broker = new LocalKafkaBroker(dir, temp,
                    port == 0 ? freePort() : port, freePort(), defaultPartitions, saslSsl);
            try {
                broker.startServer();
            } catch (RuntimeException e) {
                broker.stop(); // deletes a temp dir
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What a test's own clients need besides the bootstrap servers: nothing, or SASL_SSL as the broker's user. */
    public Map<String, Object> clientSecurity() {
        return saslSsl == null ? Map.of() : saslSsl.clientSettings(SaslSsl.BROKER_USER);
    }

    /**
     * The broker's count of connections that failed authentication (a TLS handshake or a SASL exchange),
     * over all its listeners: Kafka's {@code failed-authentication-total} of {@code socket-server-metrics}.
     */
    public double failedAuthentications() {
        return socketServerTotal("failed-authentication-total");
    }

    /** As {@link #failedAuthentications()}, for {@code successful-authentication-total}. */
    public double successfulAuthentications() {
        return socketServerTotal("successful-authentication-total");
    }

    private synchronized double socketServerTotal(String name) {
        try {
            // KafkaRaftServer keeps the Metrics its broker's socket server records into in a private field
            Field field = KafkaRaftServer.class.getDeclaredField("metrics");
            field.setAccessible(true);
            Metrics metrics = (Metrics) field.get(server);
            return metrics.metrics().entrySet().stream()
                    .filter(e -> e.getKey().group().equals("socket-server-metrics") && e.getKey().name().equals(name))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .sum();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the broker's metrics", e);
        }
    }

    /** Creates the topics (replication factor 1); a topic that already exists is left as it is. */
    public void createTopics(int partitions, String... names) {
        Map<String, Object> settings = new HashMap<>(clientSecurity());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(settings)) {
            List<NewTopic> topics = Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /** Shuts the broker down; keeps the data dir only when the caller gave it. */
    public synchronized void stop() {
        shutdownServer();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    /** Shuts down, then starts again on the same port and data dir (the records survive): a broker outage. */
    public synchronized void restart() {
        shutdownServer();
        startServer();
    }

    /**
     * Shuts the broker down but keeps its port and data, so that {@link #resume()} brings the same broker
     * back: for an outage of a chosen length (clients see connection refused in between).
     */
    public synchronized void halt() {
        shutdownServer();
    }

    /** Starts a {@link #halt() halted} broker again on the same port and data dir. */
    public synchronized void resume() {
        if (server == null) {
            startServer();
        }
    }

    private synchronized void startServer() {
        long t0 = System.nanoTime();
        // Formatting twice would fail, and the restarted broker must find its own cluster id.
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format();
        }
        server = new KafkaRaftServer(new KafkaConfig(config()), Time.SYSTEM);
        try {
            // Returns once the broker is unfenced, i.e. ready for clients.
            server.startup();
        } catch (RuntimeException e) {
            // A half-started server (e.g. port taken) keeps non-daemon threads alive and the JVM with them.
            shutdownServer();
            throw new IllegalStateException("Kafka broker failed to start on " + bootstrapServers(), e);
        }
        LOG.info("Kafka broker ready on {} (data {}) in {} ms",
                bootstrapServers(), dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void shutdownServer() {
        if (server != null) {
            long t0 = System.nanoTime();
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Kafka broker on {} stopped in {} ms",
                    bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    private void format() {
        try {
            Formatter formatter = new Formatter();
            if (saslSsl != null) {
                List<String> scram = new ArrayList<>();
                scram.add(scramArgument(SaslSsl.BROKER_USER, saslSsl.brokerPassword()));
                saslSsl.users().forEach((user, password) -> scram.add(scramArgument(user, password)));
                formatter.setScramArguments(scram);
            }
            formatter
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format " + dataDir, e);
        }
    }

    /** kafka-storage's --add-scram syntax. */
    private static String scramArgument(String user, String password) {
        return SaslSsl.MECHANISM + "=[name=" + user + ",password=" + password + "]";
    }

    private Properties config() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + "," + CONTROLLER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // One node: every internal topic must fit on it, and one partition each keeps the first group join fast.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", String.valueOf(defaultPartitions));
        p.put("auto.create.topics.enable", "true");
        // Tests should not wait 3 s for the first consumer group to form.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB buffer would not fit a small test heap.
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        if (saslSsl != null) {
            p.put("listeners", "SASL_SSL://" + HOST + ":" + port + "," + CONTROLLER + "://" + HOST + ":" + controllerPort);
            p.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + port);
            p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL," + CONTROLLER + ":PLAINTEXT");
            p.put("inter.broker.listener.name", "SASL_SSL");
            p.put("sasl.enabled.mechanisms", SaslSsl.MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", SaslSsl.MECHANISM);
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", saslSsl.jaasConfig(SaslSsl.BROKER_USER));
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", saslSsl.keyStore().toString());
            p.put("ssl.keystore.password", saslSsl.keyStorePassword());
            p.put("ssl.key.password", saslSsl.keyStorePassword());
            // the broker as a client of itself checks the certificate like any client
            p.put("ssl.truststore.type", "PKCS12");
            p.put("ssl.truststore.location", saslSsl.trustStore().toString());
            p.put("ssl.truststore.password", saslSsl.trustStorePassword());
            p.put("ssl.client.auth", "none");
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
