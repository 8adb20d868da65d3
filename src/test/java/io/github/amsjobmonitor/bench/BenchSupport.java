package io.github.amsjobmonitor.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import org.apache.camel.util.TimeUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the benchmarks share: the monitor child process, /proc readings, the machine, formatting. */
final class BenchSupport {

    /** {@code <time> <level> [<thread, may hold brackets>] <logger> - <message>}, the jar's logback pattern. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s+\\[.*?]\\s+(\\S+) - (.*)$");
    private static final Pattern LOG_LEVEL = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s");

    private BenchSupport() {
    }

    // --- the monitor child process ---

    /** SIGTERM, then SIGKILL after 20 s; true if it exited by itself. */
    /**
     * Reads {@code key=value} arguments into {@code options} (only known keys; an unknown one ends
     * the run with the list of known ones) and returns the {@code -Dkey=value} ones, which go to the monitor.
     */
    static List<String> parseArguments(String[] args, Map<String, String> options) {
        List<String> monitorProperties = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-D") && arg.indexOf('=') > 2) {
                monitorProperties.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq < 1 || !options.containsKey(arg.substring(0, eq))) {
                System.err.println("unknown argument '" + arg + "'; known (with defaults): " + options);
                System.exit(2);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return monitorProperties;
    }

    /** A benchmark body that may throw. */
    interface Body {
        void run() throws Exception;
    }

    /** Runs a benchmark and exits the JVM with 0 or 1 (the in-process broker may leave non-daemon threads behind). */
    static void runAndExit(Map<String, String> options, Body body) {
        // read once, when the first JDK HttpServer starts: so before the simulator starts
        System.setProperty("sun.net.httpserver.nodelay", String.valueOf(Boolean.parseBoolean(options.get("simulator-nodelay"))));
        int status;
        try {
            body.run();
            status = 0;
        } catch (Exception e) {
            System.err.println("BENCHMARK FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /**
     * The start of the command that runs the packaged monitor against the harness's broker and
     * simulator (the secret goes in the environment, not here); callers add their settings and
     * {@code -jar}.
     */
    static List<String> monitorCommand(String heap, LocalKafkaBroker broker, AmsSimulator simulator, String interval) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-Dcamel.component.kafka.brokers=" + broker.bootstrapServers());
        command.add("-Dams.api-url=" + simulator.apiUrl());
        command.add("-Dazure.ad.authority-host=" + simulator.baseUrl());
        command.add("-Dazure.ad.tenant-id=" + simulator.settings().tenant());
        command.add("-Dazure.ad.client-id=" + simulator.settings().clientId());
        command.add("-Dmonitor.poll.interval=" + interval);
        // the benchmarks' jobs carry no correlation data (~600 bytes each): 100,000 fit at -Xmx256m, beyond the
        // default cap, which is sized for jobs that all carry the largest correlation data (a later -D wins)
        command.add("-Dmonitor.tracking.max-jobs=1000000");
        return command;
    }

    static boolean stop(Process process) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(20, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static void ensureAlive(Process monitor, Path log) throws IOException {
        if (!monitor.isAlive()) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException("the monitor exited with " + monitor.exitValue() + "; last lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    /** WARN and ERROR lines of a monitor log, and the ten most frequent kinds. */
    record LogSummary(long warn, long error, List<String> samples) {
        static LogSummary of(Path log) throws IOException {
            long warn = 0;
            long error = 0;
            Map<String, Integer> kinds = new LinkedHashMap<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher level = LOG_LEVEL.matcher(line);
                if (level.lookingAt()) {
                    if (level.group(1).equals("WARN")) {
                        warn++;
                    } else {
                        error++;
                    }
                    kinds.merge(kind(line), 1, Integer::sum);
                }
            }
            List<String> samples = kinds.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                    .map(e -> e.getValue() + " x " + e.getKey()).toList();
            return new LogSummary(warn, error, samples);
        }

        /** Level, logger and the message's start, job IDs and numbers masked: lines of one kind group together. */
        private static String kind(String line) {
            Matcher m = LOG_LINE.matcher(line);
            if (!m.matches()) {
                return line.substring(0, Math.min(line.length(), 120));
            }
            String level = m.group(1);
            String logger = m.group(2);
            String message = m.group(3)
                    .replaceAll("nb(:|%3A)jid(:|%3A)UUID(:|%3A)[0-9a-fA-F-]{36}", "<job>")
                    .replaceAll("\\d+", "#");
            return level + " " + logger + " - " + message.substring(0, Math.min(message.length(), 90));
        }
    }

    // --- the JVM of a child ---

    /** Runs {@code jcmd <pid> <command...>} with the running JDK's jcmd; its output, or an exception when it fails. */
    static String jcmd(long pid, String... command) {
        Path bundled = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = new ArrayList<>(List.of(Files.isExecutable(bundled) ? bundled.toString() : "jcmd", String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", line), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)", Pattern.MULTILINE);

    /**
     * Bytes of live objects after a full GC: {@code jcmd GC.class_histogram} runs the full GC and
     * totals what survived (no TLAB noise, unlike reading the heap with a later jcmd call).
     */
    static long liveHeapBytes(long pid) {
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("cannot read the total of jcmd GC.class_histogram:\n" + histogram);
        }
        return Long.parseLong(total.group(1));
    }

    // --- /proc ---

    /** utime and stime of a process, in clock ticks. */
    static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** A size field of /proc/&lt;pid&gt;/status (VmRSS, VmHWM...) in KiB; -1 when missing. */
    static long procStatusKb(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    static String procStatus(long pid, String key) throws IOException {
        long kb = procStatusKb(pid, key);
        return kb < 0 ? "?" : String.format("%.0f MiB", kb / 1024.0);
    }

    /** Busy time of all CPUs (everything but idle and iowait), in clock ticks, from /proc/stat. */
    static long machineBusyTicks() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
        String[] f = cpu.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** Other work on the machine skews the figures: the 1 and 5 minute load averages show it. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1];
        } catch (IOException e) {
            return "?";
        }
    }

    static long clockTicks() {
        try {
            return Long.parseLong(shell("getconf", "CLK_TCK").trim());
        } catch (RuntimeException e) {
            return 100;
        }
    }

    // --- the machine ---

    /** CPUs, CPU model, memory, java, code revision and {@code layout}: the rows every report ends with. */
    static Map<String, String> machine(String layout) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPUs (nproc)", shell("nproc").trim());
        machine.put("CPU", cpuModel());
        machine.put("memory", memTotal());
        machine.put("java", shell(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .lines().findFirst().orElse("?") + ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        machine.put("code", gitRevision());
        machine.put("layout", layout);
        return machine;
    }

    /** The commit the jar was built from, "-dirty" with local changes; "?" outside a git checkout. */
    static String gitRevision() {
        try {
            String revision = shell("git", "describe", "--always", "--dirty").trim();
            return revision.isEmpty() || revision.contains("fatal") || revision.contains("not a git") ? "?" : revision;
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                    return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // below
        }
        return "?";
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    // --- small helpers ---

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String shell(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long millis(String camelDuration) {
        return TimeUtils.toMilliSeconds(camelDuration);
    }

    static String ms(long nanos) {
        return nanos < 0 ? "n/a" : String.format("%d ms", Math.round(nanos / 1e6));
    }

    static String relative(Path path) {
        Path here = Path.of("").toAbsolutePath();
        return path.startsWith(here) ? here.relativize(path).toString() : path.toString();
    }

    static void say(String message) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), message);
    }

    /**
     * The producer the benchmarks seed the monitor's tracking topic with: acks=all, lz4, large batches.
     * Not idempotent: right after the topic is made, the 3.9 broker answered an idempotent producer
     * NOT_LEADER and then OutOfOrderSequence until the send timed out (seen once); one request in
     * flight keeps each partition's records in order all the same.
     */
    static KafkaProducer<String, byte[]> seedingProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }
}
