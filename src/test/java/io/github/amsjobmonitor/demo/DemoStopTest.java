package io.github.amsjobmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.amsjobmonitor.testsupport.MonitorProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code demo/run} stopped by a parent process, as {@code timeout -s INT}, make, an IDE or a CI runner
 * stops it, leaves no process behind and frees its ports. The script is started the way such a parent
 * starts it: SIGINT ignored on entry (a background job of a non-interactive shell), which bash cannot
 * trap unless the script restarts itself with the default handling. Reuses the classes built for the
 * tests ({@code DEMO_CLASSPATH}): the processes are the demo's, only the build is skipped.
 */
class DemoStopTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(45);

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "TERM, 143"})
    void should_leave_no_process_and_no_port_behind_when_a_parent_stops_the_demo(String signal, int exitCode)
            throws Exception {
        Path root = MonitorProcess.projectRoot();
        Path output = root.resolve("target/demo-stop-" + signal + ".out");
        int kafkaPort = freePort();
        int simulatorPort = freePort();
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "trap '' INT; exec bash demo/run")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(Map.of(
                "DEMO_CLASSPATH", System.getProperty("java.class.path"),
                "DEMO_WORK", "target/demo-stop-" + signal,
                "KAFKA_PORT", String.valueOf(kafkaPort),
                "SIMULATOR_PORT", String.valueOf(simulatorPort),
                "MANAGEMENT_PORT", String.valueOf(managementPort),
                // start-up speed of the four JVMs on a small machine, as MonitorProcess does: C1 only, one GC thread
                "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
        builder.environment().remove("DEMO_SIGINT_RESET");
        Process demo = builder.start();
        List<ProcessHandle> started = List.of();
        try {
            // the viewer has sent the sample IDs: all four processes of the demo run
            await(START, () -> read(output).contains("  sent "), "the demo's start", output);
            started = demo.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).toList();
            assertEquals(4, started.size(), "broker, simulator, monitor, viewer: " + started.stream()
                    .map(p -> p.info().commandLine().orElse("?")).toList());

            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(demo.pid())).start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);

            if (!demo.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
                fail("demo/run still runs " + STOP + " after SIG" + signal + "; its output ends with:\n" + tail(output));
            }
            assertEquals(exitCode, demo.exitValue(), tail(output));
            for (ProcessHandle process : started) {
                assertTrue(process.onExit().isDone() || !process.isAlive(),
                        "left behind: " + process.info().commandLine().orElse(String.valueOf(process.pid())));
            }
            for (int port : new int[] {kafkaPort, simulatorPort, managementPort}) {
                assertTrue(free(port), "port " + port + " still taken after the demo stopped");
            }
            assertTrue(read(output).contains("Stopped: no process of the demo is left."), tail(output));
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what, Path output) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout + ": " + what + "; the demo's output ends with:\n" + tail(output));
            }
            Thread.sleep(100);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path output) {
        List<String> lines = read(output).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
