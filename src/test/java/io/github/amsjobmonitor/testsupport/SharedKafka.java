package io.github.amsjobmonitor.testsupport;

/**
 * One broker for the whole test JVM: starting one costs seconds, so classes share it.
 * Tests isolate themselves by topic names, not by brokers.
 */
public final class SharedKafka {

    private static LocalKafkaBroker broker;

    private SharedKafka() {
    }

    /** The JVM's broker, started on first use and stopped when the JVM exits. */
    public static synchronized LocalKafkaBroker broker() {
        if (broker == null) {
            LocalKafkaBroker started = LocalKafkaBroker.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "shared-kafka-stop"));
            broker = started;
        }
        return broker;
    }
}
