package io.github.amsjobmonitor.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
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
    private KafkaRaftServer server;

    private LocalKafkaBroker(Path dataDir, boolean ownsDataDir, int port, int controllerPort, int defaultPartitions) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.defaultPartitions = defaultPartitions;
    }

    /** Starts a broker; {@code dataDir} null = a temp dir deleted by {@link #stop()}, {@code port} 0 = a free port. */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, 1);
    }

    /** As {@link #start(Path, int)}, with {@code num.partitions} for auto-created topics. */
    public static LocalKafkaBroker start(Path dataDir, int port, int defaultPartitions) {
        try {
            boolean temp = dataDir == null;
            Path dir = temp ? Files.createTempDirectory("local-kafka-") : dataDir.toAbsolutePath();
            Files.createDirectories(dir);
            LocalKafkaBroker broker = new LocalKafkaBroker(dir, temp,
                    port == 0 ? freePort() : port, freePort(), defaultPartitions);
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

    /** Creates the topics (replication factor 1); a topic that already exists is left as it is. */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
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
            new Formatter()
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
