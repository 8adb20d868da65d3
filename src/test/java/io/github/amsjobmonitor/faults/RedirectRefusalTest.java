package io.github.amsjobmonitor.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * AMS answers 301 to a place the bearer token may not go: the monitor refuses before it connects
 * there, says so in one ERROR line per place, and keeps the job tracked until AMS answers properly.
 * The monitor runs as its own process so that its real log is read.
 */
class RedirectRefusalTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void should_refuse_a_301_to_a_foreign_host_or_to_cleartext_without_sending_the_token_and_keep_the_job() throws IOException {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
             ForeignHost foreign = new ForeignHost()) {
            Topics topics = Topics.unique();
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            try (MonitorProcess monitor = MonitorProcess.start("redirect-refusal", settings).awaitStarted(Duration.ofSeconds(90))) {
                // ams.api-url is http://127.0.0.1:<port>/api/: "localhost" is another host, though loopback too
                simulator.redirectApiTo("http://localhost:" + foreign.port() + "/api/");
                String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofMillis(300));
                kafka.send(topics.jobIds(), null, job);
                await(monitor, "three redirected checks", () -> simulator.recordedRequests().stream().filter(r -> r.status() == 301).count() >= 3);
                assertEquals(1, errors(monitor).size(), "one ERROR line for the same place:\n" + monitor.tail(20));
                assertTrue(errors(monitor).get(0).contains("localhost") && errors(monitor).get(0).contains("ams.redirect-hosts"),
                        errors(monitor).get(0));
                assertEquals(0, foreign.connections(), "nothing, and so no token, reached the foreign host");

                simulator.redirectApiTo("http://acct.restv2.westeurope.media.azure.net/api/");
                await(monitor, "a refused cleartext redirect", () -> errors(monitor).size() >= 2);
                assertTrue(errors(monitor).get(1).contains("not loopback"), errors(monitor).get(1));

                simulator.redirectApiTo("https://evil.example.com/api/");
                await(monitor, "a refused foreign https redirect", () -> errors(monitor).size() >= 3);
                assertTrue(errors(monitor).get(2).contains("evil.example.com"), errors(monitor).get(2));
                assertFalse(monitor.logText().contains("UnknownHost"), "refused before any look-up or connection");
                assertTrue(errors(monitor).stream().noneMatch(line -> line.contains("Bearer")), "no token in the lines");

                simulator.redirectApiTo(null);
                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "the job stayed tracked and finished; the log ends with:\n" + monitor.tail(20));
                assertFalse(kafka.readAll(topics.deadLetter()).stream().anyMatch(r -> job.equals(r.key())), "not dead-lettered");
                assertEquals(3, errors(monitor).size(), "one ERROR line per refused place:\n" + String.join("\n", errors(monitor)));
                assertEquals(0, foreign.connections());
            }
        }
    }

    private static List<String> errors(MonitorProcess monitor) {
        return monitor.logLines(" ERROR ").stream().filter(line -> line.contains("Refused to follow AMS's 301")).toList();
    }

    private static void await(MonitorProcess monitor, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what + "; the log ends with:\n" + monitor.tail(30));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A listener on another loopback port that only counts who connects: the host a token must not reach. */
    private static final class ForeignHost implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();

        ForeignHost() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accepting = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket ignored = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "foreign-host");
            accepting.setDaemon(true);
            accepting.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
