package io.github.amsjobmonitor.testsupport;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local broker as its own process for the demo: {@code LocalKafkaMain [port=9092] [dataDir=target/kafka-data]}.
 * Prints {@code KAFKA READY <bootstrap>} once clients can connect; SIGINT/SIGTERM stop it cleanly.
 */
public final class LocalKafkaMain {

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        Path dataDir = Path.of(args.length > 1 ? args[1] : "target/kafka-data");
        LocalKafkaBroker broker;
        try {
            broker = LocalKafkaBroker.start(dataDir, port);
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
        System.out.println("KAFKA READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
