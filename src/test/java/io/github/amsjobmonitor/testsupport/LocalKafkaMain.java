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
        LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, port);
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
