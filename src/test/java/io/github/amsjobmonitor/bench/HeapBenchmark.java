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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
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
 * Does the monitor's heap grow with the number of tracked jobs? For each job count (10 000 and
 * 100 000 by default) it seeds the checks topic with that many tracking records, written as the
 * monitor writes them, registers the same job IDs in the AMS simulator as never-ending jobs, runs
 * the packaged monitor jar as a child JVM on them, and once the monitor is in its steady state
 * measures the heap after a full GC a few times ({@code jcmd GC.class_histogram} runs the full GC and
 * counts the live objects; the monitor's GC log, turned on with {@code jcmd VM.log}, gives the heap
 * the GC left), with RSS, CPU, checks/s and lost chains alongside. Not a test: run it with
 * {@code bench/heap}.
 *
 * <p>Why seed: intake takes one job ID at a time with a first check each (~30 ms), hours for 100 000
 * jobs. A seeded record is what intake and every later check write: key = job ID, value = the
 * {@link TrackedJob} as Jackson writes it, last state Processing, due times spread evenly over one
 * poll interval. The simulator answers Processing for ever, so each check writes the job's next
 * check and the number of tracked jobs stays constant. Task reads are off
 * ({@code monitor.progress.enabled=false}): the checks are state checks only.
 *
 * <p>When to measure: after a start (and a rebalance) the monitor keeps one entry per checked job in
 * its duplicate-check filter for {@code max(3 x interval, 1 min)} (README, "Guarantees"). The harness
 * turns that class's DEBUG log on in the child (it logs when the window opens or is extended), waits
 * until the window has closed plus {@code settle}, and only then samples; one extra sample is taken
 * while the window is still open, to show what it holds. The DEBUG log of the check route is on too:
 * it names each check dropped as stale, which ends that job's chain (there should be none).
 *
 * <p>By default the monitors for all job counts run at the same time (one broker and one simulator,
 * distinct topics and consumer groups each): that keeps the run under twelve minutes, since the window
 * alone lasts three intervals, and every count sees the same machine load. {@code together=false}
 * runs them one after the other.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code jobs=10000,100000 interval=3m heap=256m
 * samples=5 sample-every=12s settle=10s lead=25s together=true ams-latency=0ms simulator-nodelay=true
 * jar=target/ams-job-monitor.jar out=target/bench} ({@code lead}: how long after seeding the first seeded
 * check falls due, about the monitors' start-up time; {@code ams-latency}: extra time the simulator
 * takes for each {@code Jobs()} answer, as in OnTimeChecksBenchmark); an argument {@code -Dkey=value}
 * goes to every monitor JVM as it is.
 */
public final class HeapBenchmark {

    /** Public topics of the monitor; each run gets its own copies, suffixed with its job count. */
    private static final List<String> PUBLIC_TOPICS =
            List.of("job-ids", "job-status", "job-finished", "job-errored", "job-canceled", "job-ids.dlq", "job-progress");
    /** The DEBUG line of DuplicateCheckFilter when its window opens or is extended. */
    private static final Pattern WINDOW_LINE = Pattern.compile("dropping stale checks until (\\S+)\\s*$");
    private static final Pattern HEAP_LINE = Pattern.compile("(\\S+ heap)\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern FULL_GC = Pattern.compile("(GC\\(\\d+\\)) Pause Full \\(Heap Inspection Initiated GC\\)");
    private static final Pattern HUMONGOUS = Pattern.compile("Humongous regions: \\d+->(\\d+)");
    private static final Pattern REGION_SIZE = Pattern.compile("region size (\\d+)K");
    private static final Pattern STALE_DROP = Pattern.compile("Dropped a stale check of (\\S+)");
    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");
    private static final long STOP_GRACE_SECONDS = 40;
    private static final long LATE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> options;
    private final List<String> monitorProperties;
    private final String intervalText;
    private final long intervalMillis;
    private final long windowMillis;
    private final long settleMillis;
    private final int samples;
    private final long sampleEveryMillis;
    private final int partitions;
    private final String heap;
    private final Path jar;
    private final Path out;
    private final List<Run> runs = new ArrayList<>();
    private final List<Process> launched = new CopyOnWriteArrayList<>();

    private HeapBenchmark(Map<String, String> options, List<String> monitorProperties) {
        this.options = options;
        this.monitorProperties = monitorProperties;
        this.intervalText = options.get("interval");
        this.intervalMillis = millis(intervalText);
        // DuplicateCheckFilter: max(3 x interval, 1 min)
        this.windowMillis = Math.max(3 * intervalMillis, 60_000);
        this.settleMillis = millis(options.get("settle"));
        this.samples = Integer.parseInt(options.get("samples"));
        this.sampleEveryMillis = millis(options.get("sample-every"));
        this.partitions = monitorProperties.stream().filter(p -> p.startsWith("-Dmonitor.checks.partitions="))
                .map(p -> Integer.parseInt(p.substring(p.indexOf('=') + 1))).reduce((a, b) -> b).orElse(32); // the shipped default
        this.heap = options.get("heap");
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
        options.put("lead", "25s");
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
        final String checksTopic;
        Process process;
        long launchNanos;
        Instant launchedAt;
        long seedNanos;
        String seededSample;
        String monitorSample;
        Instant windowEnd;
        boolean windowFromLog;
        Long inWindowHeapKb;
        long inWindowLiveKb;
        long inWindowAtMillis;
        final List<Long> heapKb = new ArrayList<>();
        final List<Long> rssKb = new ArrayList<>();
        long committedKb;
        long regionKb;
        final List<Long> liveKb = new ArrayList<>();
        List<String> histogram = List.of();
        Path gcLog;
        String lastFullGc;
        final List<Long> humongous = new ArrayList<>();
        long staleDrops;
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
            this.checksTopic = "job-checks" + suffix;
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
        // seeding, lead, the window, settle, the samples, the stop
        long perRound = 10_000 + millis(options.get("lead")) + windowMillis + settleMillis + samples * sampleEveryMillis + 30_000;
        say(String.format("Jobs %s, interval %s: the monitor's start-up duplicate-check window lasts %d s; expect about %d min%s.",
                options.get("jobs"), intervalText, windowMillis / 1000,
                Math.round((together ? perRound : perRound * runs.size()) / 60_000.0 + 0.5),
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
        // the first checks fall due about when the monitors have started, so the checks stay spread evenly
        Instant firstDue = Instant.now().plusMillis(millis(options.get("lead")));
        for (Run run : round) {
            List<String> topics = new ArrayList<>();
            PUBLIC_TOPICS.forEach(t -> topics.add(t + run.suffix));
            broker.createTopics(1, topics.toArray(String[]::new));
            broker.createTopics(partitions, run.checksTopic);
            seed(run, broker, firstDue);
        }
        Map<Run, Path> logs = new HashMap<>();
        for (Run run : round) {
            Path log = out.resolve("heap-monitor" + run.suffix + ".log");
            logs.put(run, log);
            ProcessBuilder builder = new ProcessBuilder(monitorCommand(run, broker, simulator, logback))
                    .directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("AZURE_AD_CLIENT_SECRET", simulator.settings().clientSecret());
            run.launchedAt = Instant.now();
            run.launchNanos = System.nanoTime();
            run.process = builder.start();
            launched.add(run.process);
            say(String.format("Monitor for %,d jobs launched (pid %d, log: %s)", run.jobs, run.process.pid(), relative(log)));
        }

        // --- first checks ---
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Run run : round) {
            while (checks.firstCheck(run) == 0 && System.nanoTime() < deadline) {
                ensureAlive(run.process, logs.get(run));
                Thread.sleep(20);
            }
            if (checks.firstCheck(run) == 0) {
                throw new IllegalStateException("the monitor for " + run.jobs + " jobs made no check within 120 s; see " + logs.get(run));
            }
            say(String.format("Monitor for %,d jobs: first check %s after launch", run.jobs, ms(checks.firstCheck(run) - run.launchNanos)));
            logGc(run);
        }

        // --- until the duplicate-check window has closed everywhere ---
        long lastReport = System.nanoTime();
        Map<Run, Long> countAtReport = new HashMap<>();
        round.forEach(r -> countAtReport.put(r, checks.count(r)));
        while (true) {
            Instant now = Instant.now();
            Instant until = Instant.MIN;
            for (Run run : round) {
                ensureAlive(run.process, logs.get(run));
                windowEnd(run, logs.get(run), checks);
                until = until.isAfter(run.windowEnd) ? until : run.windowEnd;
                // once every job has been checked and before the window closes: what the window holds
                if (run.inWindowHeapKb == null && now.isAfter(run.windowEnd.minusSeconds(25))
                        && now.isBefore(run.windowEnd.minusSeconds(5))) {
                    long[] inWindow = heapAfterGc(run);
                    run.inWindowHeapKb = inWindow[0];
                    run.inWindowLiveKb = inWindow[1];
                    run.inWindowAtMillis = Duration.between(run.launchedAt, Instant.now()).toMillis();
                    say(String.format("Monitor for %,d jobs, duplicate-check window open: heap after GC %s (live objects %s)",
                            run.jobs, mib(run.inWindowHeapKb), mib(run.inWindowLiveKb)));
                }
            }
            Instant start = until.plusMillis(settleMillis);
            if (!now.isBefore(start)) {
                break;
            }
            if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(60)) {
                double seconds = (System.nanoTime() - lastReport) / 1e9;
                StringBuilder line = new StringBuilder("waiting " + Duration.between(now, start).toSeconds() + " s more for the steady state;");
                for (Run run : round) {
                    long c = checks.count(run);
                    line.append(String.format(" %,d jobs: %.0f checks/s (ideal %.0f);", run.jobs,
                            (c - countAtReport.get(run)) / seconds, run.jobs * 1000.0 / intervalMillis));
                    countAtReport.put(run, c);
                }
                say(line.toString());
                lastReport = System.nanoTime();
            }
            Thread.sleep(Math.min(1000, Math.max(10, Duration.between(now, start).toMillis())));
        }

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
            run.monitorSample = lastRecord(broker, run.checksTopic);
            saveHistogram(run);
        }
        for (Run run : round) {
            run.harnessCpu = (selfAfter[0] + selfAfter[1] - selfBefore[0] - selfBefore[1]) / (double) ticks;
            run.otherCpu = Math.max(0, (machineAfter - machineBefore) / (double) ticks - monitorsCpu - run.harnessCpu);
        }

        // the log while running; the stop can add warnings of its own (checks cut short, see below)
        for (Run run : round) {
            run.logs = LogSummary.of(logs.get(run));
            run.staleDrops = Files.readAllLines(logs.get(run), StandardCharsets.UTF_8).stream()
                    .filter(l -> STALE_DROP.matcher(l).find()).count();
        }
        // all at once: a check waiting for its due time holds the stop for up to camel.main.shutdown-timeout (30 s)
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

    /** Writes {@code run.jobs} tracking records to its checks topic, due evenly over the next interval, as the monitor writes them. */
    private void seed(Run run, LocalKafkaBroker broker, Instant firstDue) throws Exception {
        say(String.format("Seeding %s with %,d tracking records...", run.checksTopic, run.jobs));
        long start = System.nanoTime();
        Instant now = Instant.now();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = BenchSupport.seedingProducer(broker.bootstrapServers())) {
            for (int i = 0; i < run.jobs; i++) {
                String id = run.ids.get(i);
                // ascending due times: every partition is in due order, as the monitor keeps it
                String dueAt = firstDue.plusMillis(intervalMillis * i / run.jobs).toString();
                TrackedJob tracked = new TrackedJob(id, null, "Processing", null, Map.of("k", "v"), now.toString(), 0, null, null, null, 0, TrackedJob.FROM_CHECK, null);
                byte[] value = JSON.writeValueAsBytes(tracked);
                if (i == 0) {
                    run.seededSample = new String(value, StandardCharsets.UTF_8);
                }
                producer.send(new ProducerRecord<>(run.checksTopic, id, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("seeding " + run.checksTopic + " failed", failure.get());
        }
        run.seedNanos = System.nanoTime() - start;
        say(String.format("Seeded in %s, e.g. %s", ms(run.seedNanos), run.seededSample));
    }

    private List<String> monitorCommand(Run run, LocalKafkaBroker broker, AmsSimulator simulator, Path logback) throws IOException {
        List<String> command = BenchSupport.monitorCommand(heap, broker, simulator, intervalText);
        // the jar's logging, plus the duplicate-check filter's window at DEBUG
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-Dcamel.management.port=" + freePort());
        // state checks only: no task reads
        command.add("-Dmonitor.progress.enabled=false");
        command.add("-Dmonitor.topic.checks=" + run.checksTopic);
        command.add("-Dmonitor.checks.partitions=" + partitions);
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
     * When the monitor's duplicate-check window closes: the latest "until" its DEBUG log gave, else
     * (no line yet) the first check plus the window, which is when it would close.
     */
    private void windowEnd(Run run, Path log, CheckCounter checks) throws IOException {
        Instant latest = null;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("DuplicateCheckFilter")) {
                Matcher m = WINDOW_LINE.matcher(line);
                if (m.find()) {
                    Instant until = Instant.parse(m.group(1));
                    latest = latest == null || until.isAfter(latest) ? until : latest;
                }
            }
        }
        if (latest != null) {
            run.windowEnd = latest;
            run.windowFromLog = true;
        } else {
            long sinceFirst = System.nanoTime() - checks.firstCheck(run);
            run.windowEnd = Instant.now().minusNanos(sinceFirst).plusMillis(windowMillis);
            run.windowFromLog = false;
        }
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

    /** The last record of partition 0 of a checks topic: by now one the monitor wrote. */
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
        row(rows, "checks topic (partitions)", r -> r.checksTopic + " (" + partitions + ")");
        row(rows, "seeding: records written (acks=all)", r -> ms(r.seedNanos));
        row(rows, "duplicate-check window closed after launch",
                r -> String.format("%.0f s%s", Duration.between(r.launchedAt, r.windowEnd).toMillis() / 1000.0,
                        r.windowFromLog ? "" : " (estimated: no DEBUG line)"));
        row(rows, "heap after GC (live objects), window still open", r -> r.inWindowHeapKb == null ? "n/a"
                : mib(r.inWindowHeapKb) + " (" + mib(r.inWindowLiveKb) + String.format("), at %.0f s", r.inWindowAtMillis / 1000.0));
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
        row(rows, "checks dropped as stale (chain ended; DEBUG log)", r -> String.valueOf(r.staleDrops));
        row(rows, "longest gap in window", r -> r.gaps == 0 ? "n/a" : String.format("%.1f s", r.maxGapNanos / 1e9));
        row(rows, "monitor CPU in window", r -> String.format("%.0f %% of one core", 100 * r.monitorCpu / r.windowSeconds));
        row(rows, "harness (broker + simulator) / other CPU in window", r -> String.format("%.0f %% / %.0f %% of one core",
                100 * r.harnessCpu / r.windowSeconds, 100 * r.otherCpu / r.windowSeconds));
        row(rows, "load average at window end (1 / 5 min)", r -> r.load);
        row(rows, "monitor log WARN / ERROR lines before the stop", r -> r.logs.warn() + " / " + r.logs.error());
        row(rows, "monitor stop (SIGTERM -> exit)", r -> r.stoppedCleanly ? String.format("%.1f s", r.stopNanos / 1e9)
                : "KILLED after " + STOP_GRACE_SECONDS + " s");

        Run small = runs.get(0);
        Run large = runs.get(runs.size() - 1);
        double ratio = (double) mean(large.heapKb) / mean(small.heapKb);
        double maxRatio = (double) max(large.heapKb) / max(small.heapKb);
        double liveRatio = (double) mean(large.liveKb) / mean(small.liveKb);
        String verdict = String.format("%,d vs %,d jobs: heap after GC %s vs %s, ratio %.3f (mean), %.3f (max): %s the 10 %% target; "
                        + "live objects %s vs %s, ratio %.3f",
                large.jobs, small.jobs, mib(mean(large.heapKb)), mib(mean(small.heapKb)), ratio, maxRatio,
                Math.abs(ratio - 1) <= 0.10 ? "within" : "OUTSIDE", mib(mean(large.liveKb)), mib(mean(small.liveKb)), liveRatio);
        String settings = String.format("monitor.poll.interval=%s, -Xmx%s, monitor.progress.enabled=false%s; AMS answer delay %s; %s; %d samples %s apart, "
                        + "from %s after the duplicate-check window closed; %s",
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

    /**
     * The jar's own logback.xml, plus two DEBUG loggers: DuplicateCheckFilter (when its window opens or
     * grows) and io.github.amsjobmonitor.check (a check dropped as stale, which ends its chain).
     */
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
              <logger name="io.github.amsjobmonitor.tracking.DuplicateCheckFilter" level="DEBUG"/>
              <logger name="io.github.amsjobmonitor.check" level="DEBUG"/>
              <root level="INFO">
                <appender-ref ref="CONSOLE"/>
              </root>
            </configuration>
            """;
}
