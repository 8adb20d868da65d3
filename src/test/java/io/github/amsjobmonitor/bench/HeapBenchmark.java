package io.github.amsjobmonitor.bench;

import static io.github.amsjobmonitor.bench.BenchSupport.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How much heap does the monitor keep for its tracked jobs, how fast does it get them back after a
 * crash, and how fast does it stop? For each job count (10 000 and 100 000 by default) it writes that
 * many tracking records to the monitor's compacted tracking topic (made as the monitor makes it, see
 * {@link CompareBenchmark#seedTrackingTopic}), registers the same job IDs in the AMS simulator as
 * never-ending jobs, and runs the packaged monitor jar as a child JVM on them; the monitor restores
 * the records at start and checks every job, then once per interval. Task reads are off
 * ({@code monitor.progress.enabled=false}): state checks only. Not a test: run it with {@code bench/heap}.
 * <ol>
 *   <li>Heap: once every job has been checked once, plus {@code settle}, the heap after a full GC is
 *       measured a few times ({@code jcmd GC.class_histogram} runs the full GC and counts the live
 *       objects; the monitor's GC log, turned on with {@code jcmd VM.log}, gives the heap the GC
 *       left), with RSS, CPU, checks/s and gaps between checks alongside.
 *   <li>Restore: for the job counts in {@code restore}, the monitor is killed ({@code kill -9}, the
 *       only instance) and started again on the same topics and group; measured: the time from the
 *       kill until every job has been checked again (the new instance waits for the dead one's
 *       session to time out, restores its partitions, then checks).
 *   <li>Stop: SIGTERM to every monitor, the time until it exits.
 * </ol>
 * By default the monitors for all job counts run at the same time (one broker and one simulator,
 * distinct topics and consumer groups each), so every count sees the same machine load;
 * {@code together=false} runs them one after the other.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code jobs=10000,100000 interval=3m heap=256m
 * samples=5 sample-every=12s settle=10s restore=100000 restore-timeout=5m together=true ams-latency=0ms
 * simulator-nodelay=true jar=target/ams-job-monitor.jar out=target/bench} ({@code restore}: job counts
 * whose monitor is killed and restarted, {@code 0} for none; {@code ams-latency}: extra time the
 * simulator takes for each {@code Jobs()} answer, as in OnTimeChecksBenchmark); an argument
 * {@code -Dkey=value} goes to every monitor JVM as it is.
 */
public final class HeapBenchmark {

    /** Public topics of the monitor; each run gets its own copies, suffixed with its job count. */
    private static final List<String> PUBLIC_TOPICS =
            List.of("job-ids", "job-status", "job-finished", "job-errored", "job-canceled", "job-ids.dlq", "job-progress");
    private static final Pattern HEAP_LINE = Pattern.compile("(\\S+ heap)\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern FULL_GC = Pattern.compile("(GC\\(\\d+\\)) Pause Full \\(Heap Inspection Initiated GC\\)");
    private static final Pattern HUMONGOUS = Pattern.compile("Humongous regions: \\d+->(\\d+)");
    private static final Pattern REGION_SIZE = Pattern.compile("region size (\\d+)K");
    /** TrackingStore's line when a partition is restored. */
    private static final Pattern RESTORED = Pattern.compile("Restored partition \\d+ of \\S+ \\((\\d+) records\\) in (\\d+) ms");
    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");
    private static final long STOP_GRACE_SECONDS = 40;
    private static final long LATE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> options;
    private final List<String> monitorProperties;
    private final String intervalText;
    private final long intervalMillis;
    private final long settleMillis;
    private final int samples;
    private final long sampleEveryMillis;
    private final int partitions;
    private final String heap;
    private final Path jar;
    private final Path out;
    private final List<Run> runs = new ArrayList<>();
    private final List<Process> launched = new CopyOnWriteArrayList<>();
    private final Set<Integer> restores;

    private HeapBenchmark(Map<String, String> options, List<String> monitorProperties) {
        this.options = options;
        this.monitorProperties = monitorProperties;
        this.intervalText = options.get("interval");
        this.intervalMillis = millis(intervalText);
        this.settleMillis = millis(options.get("settle"));
        this.samples = Integer.parseInt(options.get("samples"));
        this.sampleEveryMillis = millis(options.get("sample-every"));
        this.partitions = monitorProperties.stream().filter(p -> p.startsWith("-Dmonitor.tracking.partitions="))
                .map(p -> Integer.parseInt(p.substring(p.indexOf('=') + 1))).reduce((a, b) -> b).orElse(32); // the shipped default
        this.heap = options.get("heap");
        this.restores = Arrays.stream(options.get("restore").split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .map(Integer::parseInt).collect(Collectors.toSet());
        this.jar = Path.of(options.get("jar")).toAbsolutePath();
        this.out = Path.of(options.get("out")).toAbsolutePath();
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("jobs", "10000,100000");
        options.put("interval", "3m");
        options.put("heap", "256m");
        options.put("samples", "5");
        options.put("sample-every", "12s");
        options.put("settle", "10s");
        options.put("restore", "100000");
        options.put("restore-timeout", "5m");
        options.put("together", "true");
        options.put("ams-latency", "0ms");
        options.put("simulator-nodelay", "true");
        options.put("jar", "target/ams-job-monitor.jar");
        options.put("out", "target/bench");
        List<String> monitorProperties = BenchSupport.parseArguments(args, options);
        BenchSupport.runAndExit(options, () -> new HeapBenchmark(options, monitorProperties).run(args));
    }

    /** One job count: its jobs, topics, monitor process and what was measured of it. */
    static final class Run {
        final int jobs;
        final int first; // index of its first job in the check counter
        final List<String> ids;
        final String suffix;
        final String trackingTopic;
        Process process;
        long launchNanos;
        Instant launchedAt;
        long seedNanos;
        String seededSample;
        String monitorSample;
        long allCheckedNanos = -1; // launch -> every job checked once
        boolean restored;
        long killToFirstCheckNanos = -1;
        long killToAllCheckedNanos = -1; // -1: not every job within restore-timeout
        long restoreCheckedJobs;
        long killToRestartNanos;
        String restoreLog = "?";
        final List<Long> heapKb = new ArrayList<>();
        final List<Long> rssKb = new ArrayList<>();
        long committedKb;
        long regionKb;
        final List<Long> liveKb = new ArrayList<>();
        List<String> histogram = List.of();
        Path gcLog;
        String lastFullGc;
        final List<Long> humongous = new ArrayList<>();
        long overdue;
        long metaspaceKb;
        String gc = "?";
        long hwmKb;
        long checksInWindow;
        double windowSeconds;
        double monitorCpu;
        double harnessCpu;
        double otherCpu;
        String load;
        long[] perJob; // checks per job since launch: min, max, jobs never checked
        long late;
        long maxGapNanos;
        long gaps;
        LogSummary logs;
        boolean stoppedCleanly;
        long stopNanos;

        Run(int jobs, int first) {
            this.jobs = jobs;
            this.first = first;
            this.ids = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                ids.add(SimulatedJob.randomId());
            }
            this.suffix = "-" + jobs;
            this.trackingTopic = "job-tracking" + suffix;
        }
    }

    // --- the run ---

    private void run(String[] args) throws Exception {
        Files.createDirectories(out);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no monitor jar at " + jar + ": build it first (mvn -B -q package -DskipTests)");
        }
        int first = 0;
        for (String n : options.get("jobs").split(",")) {
            Run run = new Run(Integer.parseInt(n.trim()), first);
            first += run.jobs;
            runs.add(run);
        }
        boolean together = Boolean.parseBoolean(options.get("together"));
        say(String.format("Jobs %s, interval %s, restore %s%s.", options.get("jobs"), intervalText, options.get("restore"),
                together ? " (all job counts at once)" : " (one job count after the other)"));

        Path logback = out.resolve("heap-logback.xml");
        Files.writeString(logback, LOGBACK, StandardCharsets.UTF_8);

        say("Starting the Kafka broker and the AMS simulator in this JVM...");
        LocalKafkaBroker broker = LocalKafkaBroker.start(null, 0);
        Thread hook = new Thread(() -> {
            launched.forEach(BenchSupport::stop);
            broker.stop();
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        AmsSimulator simulator = null;
        try {
            simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
            int total = 0;
            for (Run run : runs) {
                for (int i = 0; i < run.jobs; i++) {
                    simulator.register(run.ids.get(i), "heap bench job " + i, JobScenario.LONG_RUNNING, Duration.ofMillis(1));
                }
                total += run.jobs;
            }
            CheckCounter checks = new CheckCounter(runs, total, TimeUnit.MILLISECONDS.toNanos(intervalMillis),
                    millis(options.get("ams-latency")));
            simulator.onJobsQuery(checks);
            say(total + " never-ending jobs registered in the simulator");

            if (together) {
                measure(runs, broker, simulator, checks, logback);
            } else {
                for (Run run : runs) {
                    measure(List.of(run), broker, simulator, checks, logback);
                }
            }
            String command = "bench/heap" + (args.length == 0 ? "" : " " + String.join(" ", args));
            report(command, together, checks.unknownIds.get());
        } finally {
            boolean hookRuns = false;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                hookRuns = true; // it stops the monitors and the broker
            }
            if (!hookRuns) {
                launched.forEach(BenchSupport::stop);
            }
            if (simulator != null) {
                simulator.stop();
            }
            if (!hookRuns) {
                broker.stop();
            }
        }
    }

    /** Seeds, launches, waits for the steady state, samples and stops the monitors of {@code round}, all at once. */
    private void measure(List<Run> round, LocalKafkaBroker broker, AmsSimulator simulator, CheckCounter checks, Path logback)
            throws Exception {
        for (Run run : round) {
            List<String> topics = new ArrayList<>();
            PUBLIC_TOPICS.forEach(t -> topics.add(t + run.suffix));
            broker.createTopics(1, topics.toArray(String[]::new));
            seed(run, broker);
        }
        Map<Run, Path> logs = new HashMap<>();
        for (Run run : round) {
            Path log = out.resolve("heap-monitor" + run.suffix + ".log");
            logs.put(run, log);
            Files.deleteIfExists(log);
            run.launchedAt = Instant.now();
            run.launchNanos = System.nanoTime();
            launch(run, broker, simulator, logback, log);
        }

        // --- first checks ---
        // generous: on a loaded machine (load average 40 on 2 cores) a start alone took over two minutes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        for (Run run : round) {
            while (checks.firstCheck(run) == 0 && System.nanoTime() < deadline) {
                ensureAlive(run.process, logs.get(run));
                Thread.sleep(20);
            }
            if (checks.firstCheck(run) == 0) {
                throw new IllegalStateException("the monitor for " + run.jobs + " jobs made no check within 600 s; see " + logs.get(run));
            }
            say(String.format("Monitor for %,d jobs: first check %s after launch", run.jobs, ms(checks.firstCheck(run) - run.launchNanos)));
            logGc(run);
        }

        // --- until every job has been checked once: the restore at start is over, the schedule in its steady state ---
        long allDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long lastReport = System.nanoTime();
        while (round.stream().anyMatch(r -> r.allCheckedNanos < 0) && System.nanoTime() < allDeadline) {
            for (Run run : round) {
                ensureAlive(run.process, logs.get(run));
                if (run.allCheckedNanos < 0 && checks.checkedSince(run, run.launchNanos) == run.jobs) {
                    run.allCheckedNanos = System.nanoTime() - run.launchNanos;
                    say(String.format("Monitor for %,d jobs: every job checked once, %s after launch", run.jobs, ms(run.allCheckedNanos)));
                }
            }
            if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(30)) {
                StringBuilder line = new StringBuilder("waiting for every job's first check:");
                round.forEach(r -> line.append(String.format(" %,d of %,d;", checks.checkedSince(r, r.launchNanos), r.jobs)));
                say(line.toString());
                lastReport = System.nanoTime();
            }
            Thread.sleep(100);
        }
        Thread.sleep(settleMillis);

        // --- the samples ---
        say(String.format("Steady state: %d samples of heap after GC, %s apart...", samples, options.get("sample-every")));
        long ticks = clockTicks();
        Map<Run, long[]> cpuBefore = new HashMap<>();
        for (Run run : round) {
            cpuBefore.put(run, cpuTicks(run.process.pid()));
        }
        long[] selfBefore = cpuTicks(ProcessHandle.current().pid());
        long machineBefore = machineBusyTicks();
        Map<Run, Long> countBefore = new HashMap<>();
        round.forEach(r -> countBefore.put(r, checks.count(r)));
        checks.measuring(round, true);
        long windowStart = System.nanoTime();
        for (int s = 0; s < samples; s++) {
            long sampleStart = System.nanoTime();
            for (Run run : round) {
                ensureAlive(run.process, logs.get(run));
                long[] heapInfo = heapAfterGc(run);
                run.heapKb.add(heapInfo[0]);
                run.liveKb.add(heapInfo[1]);
                run.committedKb = heapInfo[2];
                run.metaspaceKb = heapInfo[3];
                run.humongous.add(heapInfo[4]);
                run.rssKb.add(procStatusKb(run.process.pid(), "VmRSS"));
                say(String.format("  sample %d, %,d jobs: heap after GC %s (live objects %s), RSS %s", s + 1, run.jobs,
                        mib(heapInfo[0]), mib(heapInfo[1]), mib(run.rssKb.get(run.rssKb.size() - 1))));
            }
            long rest = sampleEveryMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sampleStart);
            if (rest > 0) {
                Thread.sleep(rest);
            }
        }
        long windowEnd = System.nanoTime();
        checks.measuring(round, false);
        long[] selfAfter = cpuTicks(ProcessHandle.current().pid());
        long machineAfter = machineBusyTicks();
        String load = loadAverage();
        double seconds = (windowEnd - windowStart) / 1e9;
        double monitorsCpu = 0;
        for (Run run : round) {
            long[] after = cpuTicks(run.process.pid());
            long[] before = cpuBefore.get(run);
            run.monitorCpu = (after[0] + after[1] - before[0] - before[1]) / (double) ticks;
            monitorsCpu += run.monitorCpu;
            run.checksInWindow = checks.count(run) - countBefore.get(run);
            run.windowSeconds = seconds;
            run.hwmKb = procStatusKb(run.process.pid(), "VmHWM");
            run.perJob = checks.perJob(run);
            run.overdue = checks.overdue(run, windowEnd);
            long[] gaps = checks.gaps(run);
            run.gaps = gaps[0];
            run.late = gaps[1];
            run.maxGapNanos = gaps[2];
            run.load = load;
            run.monitorSample = lastRecord(broker, run.trackingTopic);
            saveHistogram(run);
        }
        for (Run run : round) {
            run.harnessCpu = (selfAfter[0] + selfAfter[1] - selfBefore[0] - selfBefore[1]) / (double) ticks;
            run.otherCpu = Math.max(0, (machineAfter - machineBefore) / (double) ticks - monitorsCpu - run.harnessCpu);
        }

        // the log while running; the kill and the stop can add warnings of their own
        for (Run run : round) {
            run.logs = LogSummary.of(logs.get(run));
        }

        // --- restore: kill -9 the only instance, start it again, until every job is checked again ---
        for (Run run : round) {
            if (restores.contains(run.jobs)) {
                restore(run, broker, simulator, checks, logback, logs.get(run));
            }
        }

        // all at once
        say("Stopping the monitor" + (round.size() > 1 ? "s" : "") + "...");
        long stopStart = System.nanoTime();
        round.forEach(run -> run.process.destroy());
        long grace = stopStart + TimeUnit.SECONDS.toNanos(STOP_GRACE_SECONDS);
        while (round.stream().anyMatch(run -> run.process.isAlive()) && System.nanoTime() < grace) {
            for (Run run : round) {
                if (run.stopNanos == 0 && !run.process.isAlive()) {
                    run.stopNanos = System.nanoTime() - stopStart;
                    run.stoppedCleanly = true;
                }
            }
            Thread.sleep(50);
        }
        for (Run run : round) {
            if (run.stopNanos == 0 && !run.process.isAlive()) {
                run.stopNanos = System.nanoTime() - stopStart;
                run.stoppedCleanly = true;
            }
            if (!run.stoppedCleanly) {
                stop(run.process);
            }
            launched.remove(run.process);
        }
    }

    /** Writes {@code run.jobs} tracking records to its tracking topic, as the monitor's checks write them (state Processing). */
    private void seed(Run run, LocalKafkaBroker broker) throws Exception {
        long start = System.nanoTime();
        CompareBenchmark.seedTrackingTopic(broker, run.trackingTopic, partitions, run.jobs, run.ids::get,
                i -> "heap bench job " + i, i -> "Processing");
        run.seedNanos = System.nanoTime() - start;
        run.seededSample = lastRecord(broker, run.trackingTopic);
        say(String.format("Seeded in %s, e.g. %s", ms(run.seedNanos), run.seededSample));
    }

    /** Starts (or starts again) the monitor of {@code run}, its output appended to {@code log}. */
    private void launch(Run run, LocalKafkaBroker broker, AmsSimulator simulator, Path logback, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(monitorCommand(run, broker, simulator, logback))
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("AZURE_AD_CLIENT_SECRET", simulator.settings().clientSecret());
        run.process = builder.start();
        launched.add(run.process);
        say(String.format("Monitor for %,d jobs launched (pid %d, log: %s)", run.jobs, run.process.pid(), relative(log)));
    }

    /**
     * kill -9 the monitor of {@code run} (the only instance), start it again at once, and time until
     * every job has been checked again: the dead member's session timeout, the start, the restore of
     * every partition and the first pass over the jobs.
     */
    private void restore(Run run, LocalKafkaBroker broker, AmsSimulator simulator, CheckCounter checks, Path logback, Path log)
            throws Exception {
        say(String.format("Restore: kill -9 the monitor for %,d jobs (pid %d), then start it again...", run.jobs, run.process.pid()));
        long logLinesBefore = Files.readAllLines(log, StandardCharsets.UTF_8).size();
        run.process.destroyForcibly(); // SIGKILL
        run.process.waitFor(30, TimeUnit.SECONDS);
        launched.remove(run.process);
        long kill = System.nanoTime();
        launch(run, broker, simulator, logback, log);
        run.killToRestartNanos = System.nanoTime() - kill;
        run.restored = true;
        long deadline = kill + TimeUnit.MILLISECONDS.toNanos(millis(options.get("restore-timeout")));
        long lastReport = System.nanoTime();
        while (System.nanoTime() < deadline) {
            ensureAlive(run.process, log);
            long since = checks.checkedSince(run, kill);
            if (run.killToFirstCheckNanos < 0 && since > 0) {
                run.killToFirstCheckNanos = System.nanoTime() - kill;
            }
            if (since == run.jobs) {
                run.killToAllCheckedNanos = System.nanoTime() - kill;
                break;
            }
            if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(10)) {
                say(String.format("  %,d of %,d jobs checked again, %s after the kill", since, run.jobs, ms(System.nanoTime() - kill)));
                lastReport = System.nanoTime();
            }
            Thread.sleep(20);
        }
        run.restoreCheckedJobs = checks.checkedSince(run, kill);
        // the restarted monitor's own account of its restore: partitions, records, the slowest partition
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        long partitionsRestored = 0;
        long records = 0;
        long slowest = 0;
        for (String line : lines.subList((int) Math.min(logLinesBefore, lines.size()), lines.size())) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) {
                partitionsRestored++;
                records += Long.parseLong(m.group(1));
                slowest = Math.max(slowest, Long.parseLong(m.group(2)));
            }
        }
        run.restoreLog = String.format("%d partitions, %,d records, slowest partition %d ms", partitionsRestored, records, slowest);
        say(String.format("Restore of %,d jobs: first check %s, every job checked again %s after the kill (%s)", run.jobs,
                ms(run.killToFirstCheckNanos), run.killToAllCheckedNanos < 0 ? "NOT within restore-timeout" : ms(run.killToAllCheckedNanos),
                run.restoreLog));
    }

    private List<String> monitorCommand(Run run, LocalKafkaBroker broker, AmsSimulator simulator, Path logback) throws IOException {
        List<String> command = BenchSupport.monitorCommand(heap, broker, simulator, intervalText);
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-Dcamel.management.port=" + freePort());
        // state checks only: no task reads
        command.add("-Dmonitor.progress.enabled=false");
        command.add("-Dmonitor.topic.tracking=" + run.trackingTopic);
        command.add("-Dmonitor.tracking.partitions=" + partitions);
        command.add("-Dmonitor.group-id=ams-job-monitor" + run.suffix);
        for (String topic : PUBLIC_TOPICS) {
            String key = switch (topic) {
                case "job-ids.dlq" -> "dead-letter";
                default -> topic;
            };
            command.add("-Dmonitor.topic." + key + "=" + topic + run.suffix);
        }
        command.addAll(monitorProperties);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /**
     * A full GC and the heap right after it. {@code jcmd GC.class_histogram} runs a full GC and counts
     * the live objects; the GC's own log (turned on with {@code jcmd VM.log} at start, see
     * {@link #logGc}) gives the heap as the GC left it, before the application ran again. (Reading
     * the heap with a later jcmd call, even {@code GC.heap_info} straight after, counts the fresh TLABs
     * of the monitor's threads too: MiBs of noise.) Returns, in KiB: heap used after the GC, live
     * object bytes (the histogram's total), heap committed, metaspace used; and humongous regions after
     * the GC (G1 gives each object of half a region or more whole regions of its own).
     */
    private long[] heapAfterGc(Run run) throws IOException, InterruptedException {
        String histogram = jcmd(run.process.pid(), "GC.class_histogram");
        Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("cannot read the total of jcmd GC.class_histogram:\n" + histogram);
        }
        List<String> lines = histogram.lines().toList();
        List<String> top = new ArrayList<>(lines.subList(0, Math.min(45, lines.size())));
        top.add("...");
        top.add(lines.get(lines.size() - 1));
        run.histogram = top;
        // the GC log of that full GC: its "Pause Full (Heap Inspection Initiated GC)" line comes last
        for (int attempt = 0; attempt < 50; attempt++) {
            List<String> log = Files.readAllLines(run.gcLog, StandardCharsets.UTF_8);
            String id = null;
            for (int i = log.size() - 1; i >= 0 && id == null; i--) {
                Matcher full = FULL_GC.matcher(log.get(i));
                if (full.find()) {
                    id = full.group(1);
                }
            }
            if (id != null && !id.equals(run.lastFullGc)) {
                run.lastFullGc = id;
                long used = -1;
                long committed = -1;
                long metaspace = -1;
                long humongous = -1;
                boolean after = false;
                for (String line : log) {
                    if (!line.contains(id + " ")) {
                        continue;
                    }
                    after |= line.contains("Heap after GC");
                    Matcher heapLine = HEAP_LINE.matcher(line);
                    if (after && used < 0 && heapLine.find()) {
                        committed = Long.parseLong(heapLine.group(2));
                        used = Long.parseLong(heapLine.group(3));
                        Matcher region = REGION_SIZE.matcher(String.join("\n", log));
                        run.regionKb = region.find() ? Long.parseLong(region.group(1)) : -1;
                    }
                    Matcher meta = METASPACE_USED.matcher(line);
                    if (after && metaspace < 0 && meta.find()) {
                        metaspace = Long.parseLong(meta.group(1));
                    }
                    Matcher big = HUMONGOUS.matcher(line);
                    if (big.find()) {
                        humongous = Long.parseLong(big.group(1));
                    }
                }
                if (used >= 0) {
                    run.gc = "G1";
                    return new long[] {used, Long.parseLong(total.group(1)) / 1024, committed, metaspace, humongous};
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no full GC in " + run.gcLog + " after jcmd GC.class_histogram (is the monitor on G1?)");
    }

    /** Turns the monitor's GC log on, at run time: the GC's own figures of the heap before and after each GC. */
    private void logGc(Run run) throws IOException {
        run.gcLog = out.resolve("heap-gc" + run.suffix + ".log");
        Files.deleteIfExists(run.gcLog);
        jcmd(run.process.pid(), "VM.log", "output=" + run.gcLog, "what=gc=info,gc+heap=debug", "decorators=utc");
    }

    /** The monitor's largest classes at the last sample, the total and the heap, for whoever wants to see what the heap holds. */
    private void saveHistogram(Run run) {
        try {
            Files.write(out.resolve("heap-histogram" + run.suffix + ".txt"), run.histogram, StandardCharsets.UTF_8);
        } catch (IOException e) {
            say("cannot write the class histogram: " + e);
        }
    }

    /** The last record of partition 0 of a tracking topic. */
    private static String lastRecord(LocalKafkaBroker broker, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            long end = consumer.position(partition);
            if (end == 0) {
                return "(none)";
            }
            consumer.seek(partition, end - 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    return new String(r.value(), StandardCharsets.UTF_8);
                }
            }
            return "(not read)";
        }
    }

    // --- what the simulator saw ---

    /** Jobs() queries per run and per job, and gaps between checks of a job while measuring; fed on the simulator's threads. */
    static final class CheckCounter implements AmsSimulator.JobsQueryListener {
        private final Map<String, Integer> index;
        private final int[] runOf;
        private final long[] last;
        private final int[] count;
        private final AtomicLong[] perRun;
        private final long[] firstCheck;
        private final boolean[] measuring;
        private final long[] gaps;
        private final long[] late;
        private final long[] maxGap;
        private final long intervalNanos;
        private final long latencyMillis;
        private final List<Run> runs;
        final AtomicLong unknownIds = new AtomicLong();

        CheckCounter(List<Run> runs, int total, long intervalNanos, long latencyMillis) {
            this.latencyMillis = latencyMillis;
            this.runs = runs;
            this.index = new HashMap<>(total * 2);
            this.runOf = new int[total];
            this.last = new long[total];
            this.count = new int[total];
            this.perRun = new AtomicLong[runs.size()];
            this.firstCheck = new long[runs.size()];
            this.measuring = new boolean[runs.size()];
            this.gaps = new long[runs.size()];
            this.late = new long[runs.size()];
            this.maxGap = new long[runs.size()];
            this.intervalNanos = intervalNanos;
            for (int r = 0; r < runs.size(); r++) {
                perRun[r] = new AtomicLong();
                Run run = runs.get(r);
                for (int i = 0; i < run.jobs; i++) {
                    index.put(run.ids.get(i), run.first + i);
                    runOf[run.first + i] = r;
                }
            }
        }

        @Override
        public void onJobsQuery(List<String> jobIds, Instant at) {
            long now = System.nanoTime();
            for (String id : jobIds) {
                Integer g = index.get(id);
                if (g == null) {
                    unknownIds.incrementAndGet();
                    continue;
                }
                int r = runOf[g];
                perRun[r].incrementAndGet();
                synchronized (this) {
                    if (firstCheck[r] == 0) {
                        firstCheck[r] = now;
                    }
                    if (measuring[r] && last[g] != 0) {
                        long gap = now - last[g];
                        gaps[r]++;
                        maxGap[r] = Math.max(maxGap[r], gap);
                        if (gap > intervalNanos + LATE_MARGIN_NANOS) {
                            late[r]++;
                        }
                    }
                    last[g] = now;
                    count[g]++;
                }
            }
            if (latencyMillis > 0) {
                // the listener runs before the answer is written: sleeping here is AMS taking its time
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** How many jobs of the run have been checked at or after {@code since} (System.nanoTime()). */
        synchronized long checkedSince(Run run, long since) {
            long n = 0;
            for (int g = run.first; g < run.first + run.jobs; g++) {
                if (last[g] != 0 && last[g] >= since) {
                    n++;
                }
            }
            return n;
        }

        synchronized long firstCheck(Run run) {
            return firstCheck[runs.indexOf(run)];
        }

        long count(Run run) {
            return perRun[runs.indexOf(run)].get();
        }

        synchronized void measuring(List<Run> round, boolean on) {
            round.forEach(run -> measuring[runs.indexOf(run)] = on);
        }

        /** Checks per job since launch: min, max, and how many jobs were never checked. */
        synchronized long[] perJob(Run run) {
            int[] c = Arrays.copyOfRange(count, run.first, run.first + run.jobs);
            long never = Arrays.stream(c).filter(x -> x == 0).count();
            return new long[] {Arrays.stream(c).min().orElse(0), Arrays.stream(c).max().orElse(0), never};
        }

        /** Jobs with no check in the last interval + 1 s before {@code at} (System.nanoTime()): late, or no longer tracked. */
        synchronized long overdue(Run run, long at) {
            long overdue = 0;
            for (int g = run.first; g < run.first + run.jobs; g++) {
                if (last[g] == 0 || at - last[g] > intervalNanos + LATE_MARGIN_NANOS) {
                    overdue++;
                }
            }
            return overdue;
        }

        /** While measuring: gaps seen, gaps over interval + 1 s, longest gap (ns). */
        synchronized long[] gaps(Run run) {
            int r = runs.indexOf(run);
            return new long[] {gaps[r], late[r], maxGap[r]};
        }
    }

    // --- the report ---

    private void report(String command, boolean together, long unknownIds) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        row(rows, "jobs tracked (seeded; LONG_RUNNING, state checks only)", r -> String.format("%,d", r.jobs));
        row(rows, "tracking topic (partitions)", r -> r.trackingTopic + " (" + partitions + ")");
        row(rows, "seeding: records written (acks=all)", r -> ms(r.seedNanos));
        row(rows, "launch -> every job checked once (restore at start + first pass)", r -> ms(r.allCheckedNanos));
        row(rows, "heap after GC, steady state: samples", r -> String.join(", ", r.heapKb.stream().map(HeapBenchmark::mib).toList()));
        row(rows, "heap after GC, steady state: mean / max", r -> mib(mean(r.heapKb)) + " / " + mib(max(r.heapKb)));
        row(rows, "live objects after GC (histogram total): mean / max", r -> mib(mean(r.liveKb)) + " / " + mib(max(r.liveKb)));
        row(rows, "humongous regions after GC (" + mib(runs.get(0).regionKb) + " each): samples",
                r -> String.join(", ", r.humongous.stream().map(String::valueOf).toList()));
        row(rows, "heap committed / -Xmx (" + runs.get(0).gc + ")", r -> mib(r.committedKb) + " / " + heap);
        row(rows, "metaspace used", r -> mib(r.metaspaceKb));
        row(rows, "RSS: mean / max of samples (peak VmHWM)", r -> mib(mean(r.rssKb)) + " / " + mib(max(r.rssKb)) + " (" + mib(r.hwmKb) + ")");
        row(rows, "checks/s in sampling window (ideal)", r -> String.format("%.1f (%.1f)", r.checksInWindow / r.windowSeconds,
                r.jobs * 1000.0 / intervalMillis));
        row(rows, "checks per job since launch: min / max (never)", r -> r.perJob[0] + " / " + r.perJob[1] + " (" + r.perJob[2] + ")");
        row(rows, "gaps between checks of a job in window: > interval + 1 s / all", r -> r.late + " / " + r.gaps);
        row(rows, "jobs with no check in the last interval + 1 s at window end", r -> String.valueOf(r.overdue));
        row(rows, "longest gap in window", r -> r.gaps == 0 ? "n/a" : String.format("%.1f s", r.maxGapNanos / 1e9));
        row(rows, "monitor CPU in window", r -> String.format("%.0f %% of one core", 100 * r.monitorCpu / r.windowSeconds));
        row(rows, "harness (broker + simulator) / other CPU in window", r -> String.format("%.0f %% / %.0f %% of one core",
                100 * r.harnessCpu / r.windowSeconds, 100 * r.otherCpu / r.windowSeconds));
        row(rows, "load average at window end (1 / 5 min)", r -> r.load);
        row(rows, "monitor log WARN / ERROR lines before the kill / stop", r -> r.logs.warn() + " / " + r.logs.error());
        row(rows, "restore: kill -9 -> restarted (process started)", r -> r.restored ? ms(r.killToRestartNanos) : "not in this run");
        row(rows, "restore: kill -9 -> first check", r -> r.restored ? ms(r.killToFirstCheckNanos) : "not in this run");
        row(rows, "restore: kill -9 -> every job checked again", r -> !r.restored ? "not in this run"
                : r.killToAllCheckedNanos < 0 ? String.format("NOT within %s (%,d of %,d)", options.get("restore-timeout"), r.restoreCheckedJobs, r.jobs)
                : ms(r.killToAllCheckedNanos));
        row(rows, "restore: the restarted monitor's log", r -> r.restored ? r.restoreLog : "not in this run");
        row(rows, "monitor stop (SIGTERM -> exit)", r -> r.stoppedCleanly ? String.format("%.1f s", r.stopNanos / 1e9)
                : "KILLED after " + STOP_GRACE_SECONDS + " s");

        Run small = runs.get(0);
        Run large = runs.get(runs.size() - 1);
        double ratio = (double) mean(large.heapKb) / mean(small.heapKb);
        double maxRatio = (double) max(large.heapKb) / max(small.heapKb);
        double liveRatio = (double) mean(large.liveKb) / mean(small.liveKb);
        String verdict = String.format("%,d vs %,d jobs: heap after GC %s vs %s (max %s: %s the 128 MiB target), ratio %.3f (mean), %.3f (max); "
                        + "live objects %s vs %s, ratio %.3f",
                large.jobs, small.jobs, mib(mean(large.heapKb)), mib(mean(small.heapKb)), mib(max(large.heapKb)),
                max(large.heapKb) <= 128 * 1024 ? "within" : "OUTSIDE", ratio, maxRatio,
                mib(mean(large.liveKb)), mib(mean(small.liveKb)), liveRatio);
        String settings = String.format("monitor.poll.interval=%s, -Xmx%s, monitor.progress.enabled=false%s; AMS answer delay %s; %s; %d samples %s apart, "
                        + "from %s after every job was checked once; %s",
                intervalText, heap, monitorProperties.isEmpty() ? "" : ", " + String.join(" ", monitorProperties),
                options.get("ams-latency"), together ? "all monitors ran at the same time (one broker, one simulator, own topics each)" : "one monitor after the other",
                samples, options.get("sample-every"), options.get("settle"),
                "Jobs() queries for IDs not seeded: " + unknownIds);
        Map<String, String> machine = machine("broker + simulator + harness in one JVM, each monitor jar in its own child JVM, same machine");

        List<String> header = new ArrayList<>(List.of("measure"));
        runs.forEach(r -> header.add(String.format("%,d jobs", r.jobs)));
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        int[] colWidth = new int[runs.size()];
        for (int c = 0; c < runs.size(); c++) {
            colWidth[c] = header.get(c + 1).length();
            for (List<String> v : rows.values()) {
                colWidth[c] = Math.max(colWidth[c], v.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder("\nHeap after GC of ams-job-monitor against tracked jobs\n");
        StringBuilder line = new StringBuilder(String.format(" %-" + width + "s", header.get(0)));
        for (int c = 0; c < runs.size(); c++) {
            line.append(String.format(" | %-" + colWidth[c] + "s", header.get(c + 1)));
        }
        String rule = "-".repeat(line.length()) + "\n";
        text.append(rule).append(line).append('\n').append(rule);
        rows.forEach((k, v) -> {
            StringBuilder l = new StringBuilder(String.format(" %-" + width + "s", k));
            for (int c = 0; c < runs.size(); c++) {
                l.append(String.format(" | %-" + colWidth[c] + "s", v.get(c)));
            }
            text.append(l).append('\n');
        });
        text.append(rule).append(' ').append(verdict).append('\n').append(rule);
        text.append(" settings: ").append(settings).append('\n');
        machine.forEach((k, v) -> text.append(String.format(" %s: %s%n", k, v)));
        text.append(" command: ").append(command).append('\n');
        text.append(rule);
        for (Run r : runs) {
            text.append(String.format(" %,d jobs, a seeded record:        %s%n", r.jobs, r.seededSample));
            text.append(String.format(" %,d jobs, a record the monitor wrote: %s%n", r.jobs, r.monitorSample));
        }
        System.out.print(text);

        StringBuilder md = new StringBuilder("# Heap after GC of ams-job-monitor against tracked jobs\n\n");
        md.append("Run on ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" with `").append(command).append("`.\n\n");
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> md.append(" --- |"));
        md.append('\n');
        rows.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(String.join(" | ", v)).append(" |\n"));
        md.append("\n**").append(verdict).append(".**\n\n");
        md.append("Settings: ").append(settings).append(".\n\n| machine | |\n| --- | --- |\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\nA seeded record and one the monitor wrote (partition 0, at the end):\n\n```\n");
        for (Run r : runs) {
            md.append(r.seededSample).append('\n').append(r.monitorSample).append('\n');
        }
        md.append("```\n");
        for (Run r : runs) {
            if (!r.logs.samples().isEmpty()) {
                md.append(String.format("%nmonitor log (%,d jobs) WARN/ERROR kinds:%n%n```%n", r.jobs));
                r.logs.samples().forEach(s -> md.append(s).append('\n'));
                md.append("```\n");
            }
        }
        Path file = out.resolve("heap.md");
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        System.out.println("Written to " + relative(file) + "; class histograms in " + relative(out) + "/heap-histogram-*.txt");
    }

    private void row(Map<String, List<String>> rows, String name, java.util.function.Function<Run, String> value) {
        rows.put(name, runs.stream().map(value).toList());
    }

    private static long mean(List<Long> values) {
        return Math.round(values.stream().mapToLong(Long::longValue).average().orElse(0));
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static String mib(long kb) {
        return kb < 0 ? "?" : String.format("%.1f MiB", kb / 1024.0);
    }

    /** The jar's own logback.xml (as a file: the restarted monitor appends to the same log). */
    private static final String LOGBACK = """
            <configuration>
              <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                <encoder>
                  <pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{36} - %msg%n</pattern>
                </encoder>
              </appender>
              <logger name="org.apache.kafka" level="WARN"/>
              <logger name="com.microsoft.aad.msal4j" level="WARN"/>
              <logger name="org.apache.camel" level="INFO"/>
              <logger name="io.github.amsjobmonitor" level="INFO"/>
              <root level="INFO">
                <appender-ref ref="CONSOLE"/>
              </root>
            </configuration>
            """;
}
