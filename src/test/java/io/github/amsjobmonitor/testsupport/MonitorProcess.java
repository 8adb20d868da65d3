package io.github.amsjobmonitor.testsupport;

import io.github.amsjobmonitor.Application;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitor as a real, separate JVM ({@code java -cp <the test classpath> io.github.amsjobmonitor.Application}),
 * started in the project root so that it reads {@code ./application.properties} and {@code ./routes/} as in
 * production. Settings go in as {@code -Dkey=value}, except the client secret, which goes in as the environment
 * variable {@code AZURE_AD_CLIENT_SECRET} so that it does not show in the process list. Its output (stdout and
 * stderr) goes to {@code target/monitor-processes/<name>.log}, logged with the production {@code logback.xml}.
 * The JVM gets {@code -Xmx256m} and, for start-up speed on a small CI machine where several JVMs share two cores,
 * {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} (about 7 s instead of 11-13 s for two monitors started at once).
 *
 * <p>Every process started here is killed by {@link #close()} and, should a test forget, by a JVM shutdown hook:
 * none outlives the test run.
 */
public final class MonitorProcess implements AutoCloseable {

    /** What the {@code io.github.amsjobmonitor.state-changes} logger writes: {@code <jobId>: <prev> -> <state>}. */
    private static final Pattern STATE_CHANGE =
            Pattern.compile("(nb:jid:UUID:[0-9a-fA-F-]{36}): (\\w+) -> (\\w+)");
    private static final String SECRET_KEY = "azure.ad.client-secret";
    private static final Set<MonitorProcess> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(p -> p.process.destroyForcibly()),
                "monitor-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Instant startedAt;

    private MonitorProcess(String name, Process process, Path log, Instant startedAt) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /** One line of the state-changes log. */
    public record StateChange(String jobId, String previous, String state) {
    }

    /** The project root: where {@code application.properties} and {@code routes/} are. */
    public static Path projectRoot() {
        for (String candidate : new String[] {System.getProperty("basedir"), System.getProperty("user.dir")}) {
            if (candidate != null) {
                Path dir = Path.of(candidate).toAbsolutePath();
                if (Files.isRegularFile(dir.resolve("application.properties")) && Files.isDirectory(dir.resolve("routes"))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("no application.properties and routes/ in basedir or user.dir");
    }

    /** Starts a monitor JVM; returns at once: use {@link #awaitStarted(Duration)}. */
    public static MonitorProcess start(String name, Map<String, String> settings) {
        return start(name, settings, Map.of());
    }

    /** As {@link #start(String, Map)}, with these environment variables added (e.g. those AKS workload identity injects). */
    public static MonitorProcess start(String name, Map<String, String> settings, Map<String, String> environment) {
        Path root = projectRoot();
        Path log = root.resolve("target/monitor-processes/" + name + ".log");
        Map<String, String> properties = new LinkedHashMap<>(settings);
        String secret = properties.remove(SECRET_KEY);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        // start-up speed on a small CI machine: C1 only, one GC thread (a few JVMs share two cores in these tests)
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        // the production logging (test-classes' logback-test.xml would win on this classpath otherwise)
        command.add("-Dlogback.configurationFile=logback.xml");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Application.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        if (secret != null) {
            builder.environment().put("AZURE_AD_CLIENT_SECRET", secret);
        }
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            Instant now = Instant.now();
            MonitorProcess started = new MonitorProcess(name, builder.start(), log, now);
            ALIVE.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start monitor process " + name, e);
        }
    }

    /** Waits for Camel's "started in" line; fails (with the log's tail) if the process dies or the time runs out. */
    public MonitorProcess awaitStarted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = logText();
            if (text.contains(") started in ")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("monitor process " + name + " exited with " + process.exitValue()
                        + " before it started; its log ends with:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("monitor process " + name + " did not start within " + timeout
                        + "; its log ends with:\n" + tail(40));
            }
            pause(100);
        }
    }

    /** SIGKILL: no shutdown hook, no commit, no goodbye to the group. Returns the exit code (137). */
    public int killHard() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** {@link #stopGracefully(Duration)} with a minute: the monitor's own shutdown timeout is 30 s. */
    public int stopGracefully() {
        return stopGracefully(Duration.ofSeconds(60));
    }

    /** SIGTERM, then waits for the JVM to end; returns its exit code. Fails if it does not end in time. */
    public int stopGracefully(Duration timeout) {
        process.destroy();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
                throw new AssertionError("monitor process " + name + " did not stop within " + timeout
                        + " of SIGTERM (killed); its log ends with:\n" + tail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ALIVE.remove(this);
        return process.exitValue();
    }

    /** Waits for the process to end by itself; returns its exit code. Fails if it is still alive after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("monitor process " + name + " (pid " + pid() + ") is still alive");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ALIVE.remove(this);
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    /** The process's whole command line as the OS shows it to anyone ({@code /proc/<pid>/cmdline} on Linux). */
    public String commandLine() {
        Path cmdline = Path.of("/proc", String.valueOf(pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').trim();
            }
        } catch (IOException e) {
            // gone: fall back to what the JDK knows
        }
        return process.info().commandLine().orElse("");
    }

    /** The process's threads and their stacks now ({@code jcmd <pid> Thread.print}). */
    public String threadDump() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!dump.waitFor(30, TimeUnit.SECONDS) || dump.exitValue() != 0) {
                throw new IllegalStateException("jcmd Thread.print failed for " + this + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The threads of a {@link #threadDump()} that wait (sleep, park, wait) in the monitor's own code: those whose
     * topmost frame outside the JDK is in {@code io.github.amsjobmonitor}. Threads waiting inside Kafka's or
     * Camel's code (a consumer's poll, a timer) are not among them.
     */
    public static List<String> threadsWaitingInMonitorCode(String threadDump) {
        List<String> waiting = new ArrayList<>();
        for (String thread : threadDump.split("\\R\\s*\\R")) {
            if (!thread.contains("java.lang.Thread.State: WAITING") && !thread.contains("java.lang.Thread.State: TIMED_WAITING")) {
                continue;
            }
            thread.lines().map(String::strip).filter(line -> line.startsWith("at "))
                    .map(line -> line.substring(3))
                    .filter(frame -> !frame.startsWith("java.") && !frame.startsWith("jdk.") && !frame.startsWith("sun."))
                    .findFirst()
                    .filter(frame -> frame.startsWith("io.github.amsjobmonitor."))
                    .ifPresent(frame -> waiting.add(thread.lines().findFirst().orElse("?") + " at " + frame));
        }
        return waiting;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String name() {
        return name;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Path logFile() {
        return log;
    }

    /** Everything the process wrote so far. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The lines of the log that contain {@code text}. */
    public List<String> logLines(String text) {
        return logText().lines().filter(line -> line.contains(text)).toList();
    }

    /** The state changes this process logged, in log order. */
    public List<StateChange> stateChanges() {
        List<StateChange> changes = new ArrayList<>();
        Matcher m = STATE_CHANGE.matcher(logText());
        while (m.find()) {
            changes.add(new StateChange(m.group(1), m.group(2), m.group(3)));
        }
        return changes;
    }

    /** Kills the process if it still runs (SIGKILL): for test cleanup. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ALIVE.remove(this);
    }

    @Override
    public String toString() {
        return "monitor process " + name + " (pid " + process.pid() + ")";
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
