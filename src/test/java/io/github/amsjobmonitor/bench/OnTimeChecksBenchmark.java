package io.github.amsjobmonitor.bench;

import static io.github.amsjobmonitor.bench.BenchSupport.*;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Are checks on time? Runs the packaged monitor jar as a child process against an in-process KRaft
 * broker and AMS simulator, tracks {@code jobs} never-ending jobs, and measures over a window how
 * often and how regularly each job's {@code Jobs()} query arrives, against {@code monitor.poll.interval}.
 * Also measures start-up (launch to first AMS request, launch to first event) and the monitor's
 * CPU and memory. Not a test: run it with {@code bench/on-time-checks}.
 * <p>Arguments, all optional, as {@code key=value}: {@code jobs=1000 interval=1s warmup=20s measure=60s
 * heap=256m late-margin=250ms ams-latency=0ms simulator-nodelay=true jar=target/ams-job-monitor.jar out=target/bench};
 * an argument {@code -Dkey=value} goes to the monitor's JVM as it is (e.g. {@code -Dmonitor.progress.enabled=false}, {@code -Dmonitor.ams.max-in-flight=16}).
 * <p>{@code simulator-nodelay}: the JDK HTTP server behind the simulator writes a response's headers and
 * body separately and, with Nagle's algorithm on (its default), each answer then waits for the client's
 * delayed ACK, about 40 ms on Linux: a simulator artifact that would cap the monitor, so it is off by
 * default. {@code ams-latency}: extra time the simulator takes before answering each {@code Jobs()}
 * query, to see the monitor against a remote AMS rather than a loopback one.
 */
public final class OnTimeChecksBenchmark {

    /** The monitor's public topics, created before it starts as an operator would (job-progress: see application.properties). */
    private static final List<String> PUBLIC_TOPICS =
            List.of("job-ids", "job-status", "job-finished", "job-errored", "job-canceled", "job-ids.dlq", "job-progress");
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:Z|[+-]\\d\\d:\\d\\d))");

    private final Map<String, String> options;
    private final int jobCount;
    private final String intervalText;
    private final long intervalNanos;
    private final long warmupNanos;
    private final long measureNanos;
    private final long lateMarginNanos;
    private final Path jar;
    private final Path out;
    private final String heap;
    private final long amsLatencyMillis;

    private final List<String> monitorProperties;

    private OnTimeChecksBenchmark(Map<String, String> options, List<String> monitorProperties) {
        this.options = options;
        this.monitorProperties = monitorProperties;
        this.jobCount = Integer.parseInt(options.get("jobs"));
        this.intervalText = options.get("interval");
        this.intervalNanos = millis(intervalText) * 1_000_000L;
        this.warmupNanos = millis(options.get("warmup")) * 1_000_000L;
        this.measureNanos = millis(options.get("measure")) * 1_000_000L;
        this.lateMarginNanos = millis(options.get("late-margin")) * 1_000_000L;
        this.jar = Path.of(options.get("jar")).toAbsolutePath();
        this.out = Path.of(options.get("out")).toAbsolutePath();
        this.heap = options.get("heap");
        this.amsLatencyMillis = millis(options.get("ams-latency"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("jobs", "1000");
        options.put("interval", "1s");
        options.put("warmup", "20s");
        options.put("measure", "60s");
        options.put("heap", "256m");
        options.put("late-margin", "250ms");
        options.put("ams-latency", "0ms");
        options.put("simulator-nodelay", "true");
        options.put("jar", "target/ams-job-monitor.jar");
        options.put("out", "target/bench");
        List<String> monitorProperties = BenchSupport.parseArguments(args, options);
        BenchSupport.runAndExit(options, () -> new OnTimeChecksBenchmark(options, monitorProperties).run(args));
    }

    // --- the run ---

    private void run(String[] args) throws Exception {
        Files.createDirectories(out);
        Path monitorLog = out.resolve("monitor.log");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no monitor jar at " + jar + ": build it first (mvn -B -q package -DskipTests)");
        }
        Map<String, String> rows = new LinkedHashMap<>();

        say("Starting the Kafka broker and the AMS simulator in this JVM...");
        LocalKafkaBroker broker = LocalKafkaBroker.start(null, 0);
        // on SIGTERM or Ctrl-C: the monitor first, then the broker (and its temp dir)
        AtomicReference<Process> launched = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            Process child = launched.get();
            if (child != null) {
                stop(child);
            }
            broker.stop();
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        AmsSimulator simulator = null;
        Process monitor = null;
        StatusWatcher watcher = null;
        KafkaProducer<String, String> producer = null;
        try {
            broker.createTopics(1, PUBLIC_TOPICS.toArray(String[]::new));
            simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();

            // the jobs: the probe for start-up, then the tracked ones; 1 ms Queued, then Processing for ever
            String probe = SimulatedJob.randomId();
            List<String> ids = new ArrayList<>(jobCount);
            for (int i = 0; i < jobCount; i++) {
                ids.add(SimulatedJob.randomId());
            }
            simulator.register(probe, "bench probe", JobScenario.LONG_RUNNING, Duration.ofMillis(1));
            for (int i = 0; i < jobCount; i++) {
                simulator.register(ids.get(i), "bench job " + i, JobScenario.LONG_RUNNING, Duration.ofMillis(1));
            }
            CheckLog checks = new CheckLog(probe, ids, amsLatencyMillis);
            simulator.onJobsQuery(checks);

            watcher = new StatusWatcher(broker.bootstrapServers(), "job-status", "job-progress");
            watcher.start();
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5),
                    new StringSerializer(), new StringSerializer());
            producer.partitionsFor("job-ids"); // metadata now, so the probe goes out at once

            // --- start-up ---
            ProcessBuilder builder = new ProcessBuilder(monitorCommand(broker, simulator))
                    .directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(monitorLog.toFile());
            builder.environment().put("AZURE_AD_CLIENT_SECRET", simulator.settings().clientSecret());
            say("Launching the monitor jar (log: " + relative(monitorLog) + ")...");
            Instant launchedAt = Instant.now();
            long launch = System.nanoTime();
            monitor = builder.start();
            launched.set(monitor);
            producer.send(new ProducerRecord<>("job-ids", probe)).get(30, TimeUnit.SECONDS);

            long startupDeadline = launch + TimeUnit.SECONDS.toNanos(120);
            while ((checks.firstProbeCheck() == 0 || watcher.firstEvent(probe) == 0) && System.nanoTime() < startupDeadline) {
                ensureAlive(monitor, monitorLog);
                Thread.sleep(5);
            }
            if (checks.firstProbeCheck() == 0 || watcher.firstEvent(probe) == 0) {
                throw new IllegalStateException("the monitor did not check the probe job within 120 s; see " + monitorLog);
            }
            long toFirstRequest = checks.firstProbeCheck() - launch;
            long toFirstEvent = watcher.firstEvent(probe) - launch;
            Long toCamelStarted = camelStartedAfter(monitorLog, launchedAt);
            say(String.format("Start-up: first AMS request after %s, first event after %s", ms(toFirstRequest), ms(toFirstEvent)));

            // --- intake of the N jobs ---
            say("Sending " + jobCount + " job IDs to job-ids...");
            long sendStart = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>(jobCount);
            for (String id : ids) {
                sent.add(producer.send(new ProducerRecord<>("job-ids", id)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            long sendEnd = System.nanoTime();
            long intakeDeadline = sendEnd + Duration.ofSeconds(60).toNanos() + jobCount * 50_000_000L;
            int seen = 0;
            while ((seen = watcher.firstEventsOf(ids)) < jobCount && System.nanoTime() < intakeDeadline) {
                ensureAlive(monitor, monitorLog);
                Thread.sleep(50);
            }
            long intakeDone = System.nanoTime();
            say(String.format("First events: %d of %d jobs, %s after the first send", seen, jobCount, ms(intakeDone - sendStart)));
            if (seen < jobCount) {
                say("WARNING: " + (jobCount - seen) + " jobs have no event yet; measuring anyway");
            }

            // --- warm-up, then the window ---
            say("Warming up for " + options.get("warmup") + "...");
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmupNanos));
            ensureAlive(monitor, monitorLog);
            long pid = monitor.pid();
            long ticks = clockTicks();
            say("Measuring for " + options.get("measure") + "...");
            long eventsBefore = watcher.eventCount("job-status");
            long progressBefore = watcher.eventCount("job-progress");
            int queriesBefore = simulator.jobsRequestCount();
            long[] cpuBefore = cpuTicks(pid);
            long[] selfBefore = cpuTicks(ProcessHandle.current().pid());
            long machineBefore = machineBusyTicks();
            long windowStart = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(measureNanos));
            long windowEnd = System.nanoTime();
            String load = loadAverage();
            long[] cpuAfter = cpuTicks(pid);
            long[] selfAfter = cpuTicks(ProcessHandle.current().pid());
            long machineAfter = machineBusyTicks();
            int queriesAfter = simulator.jobsRequestCount();
            long eventsAfter = watcher.eventCount("job-status");
            long progressAfter = watcher.eventCount("job-progress");
            String rss = procStatus(pid, "VmRSS");
            String hwm = procStatus(pid, "VmHWM");
            ensureAlive(monitor, monitorLog);

            Stats stats = Stats.of(checks, windowStart, windowEnd, intervalNanos, lateMarginNanos);
            double windowSeconds = (windowEnd - windowStart) / 1e9;
            double monitorCpu = (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) / (double) ticks;
            double harnessCpu = (selfAfter[0] + selfAfter[1] - selfBefore[0] - selfBefore[1]) / (double) ticks;
            double otherCpu = Math.max(0, (machineAfter - machineBefore) / (double) ticks - monitorCpu - harnessCpu);

            // --- stop the monitor, on the clock ---
            say("Stopping the monitor...");
            long stopStart = System.nanoTime();
            boolean clean = stop(monitor);
            long stopTime = System.nanoTime() - stopStart;
            LogSummary logSummary = LogSummary.of(monitorLog);

            rows.put("jobs tracked (LONG_RUNNING)", String.valueOf(jobCount));
            rows.put("monitor.poll.interval", intervalText + " (late = gap > " + ms(intervalNanos + lateMarginNanos) + ")");
            rows.put("AMS answer delay (simulated) / TCP_NODELAY", amsLatencyMillis + " ms / " + options.get("simulator-nodelay"));
            if (!monitorProperties.isEmpty()) {
                rows.put("extra monitor settings", String.join(" ", monitorProperties));
            }
            rows.put("warm-up / window", options.get("warmup") + " / " + String.format("%.1f s", windowSeconds));
            rows.put("launch -> Camel started (log line)", toCamelStarted == null ? "n/a" : toCamelStarted + " ms");
            rows.put("launch -> first AMS request", ms(toFirstRequest));
            rows.put("launch -> first event on job-status", ms(toFirstEvent));
            rows.put("intake: send " + jobCount + " IDs (acks=all)", ms(sendEnd - sendStart));
            rows.put("intake: first send -> all first events", (seen < jobCount ? "NOT DONE (" + seen + " of " + jobCount + ") after " : "")
                    + ms(intakeDone - sendStart));
            rows.put("checks in window", String.valueOf(stats.checks));
            rows.put("checks/s (total)", String.format("%.1f (ideal %.1f)", stats.checks / windowSeconds,
                    jobCount * 1e9 / intervalNanos));
            rows.put("checks per job per second (mean)", String.format("%.3f (ideal %.3f)",
                    stats.checks / windowSeconds / jobCount, 1e9 / intervalNanos));
            rows.put("checks per job in window (min / max)", stats.minPerJob + " / " + stats.maxPerJob);
            rows.put("gap between checks of a job: min", ms(stats.gapPercentile(0.0)));
            rows.put("gap: p50", ms(stats.gapPercentile(0.50)));
            rows.put("gap: p90", ms(stats.gapPercentile(0.90)));
            rows.put("gap: p99", ms(stats.gapPercentile(0.99)));
            rows.put("gap: max", ms(stats.gapPercentile(1.0)));
            rows.put("gap: mean - interval (overhead per check)", String.format("%+.1f ms", (stats.meanGap() - intervalNanos) / 1e6));
            rows.put("late gaps (> interval + " + ms(lateMarginNanos) + ")", String.format("%d of %d (%.2f %%)",
                    stats.late, stats.gaps.length, stats.gaps.length == 0 ? 0.0 : 100.0 * stats.late / stats.gaps.length));
            rows.put("early gaps (< interval - 1 ms)", String.valueOf(stats.early));
            rows.put("jobs never checked in window", String.valueOf(stats.neverChecked));
            rows.put("jobs overdue at window end (no check in the last " + ms(intervalNanos + lateMarginNanos) + ")",
                    String.valueOf(stats.overdueAtEnd));
            rows.put("Jobs() queries naming several IDs / IDs not ours", checks.multiIdQueries.get() + " / " + checks.unknownIds.get());
            rows.put("Jobs() requests (any status) in window", String.valueOf(queriesAfter - queriesBefore));
            rows.put("events on job-status / job-progress in window", (eventsAfter - eventsBefore) + " / " + (progressAfter - progressBefore));
            rows.put("monitor CPU in window", String.format("%.1f s (%.0f %% of one core)", monitorCpu, 100 * monitorCpu / windowSeconds));
            rows.put("harness CPU in window (broker + simulator)", String.format("%.1f s (%.0f %% of one core)", harnessCpu, 100 * harnessCpu / windowSeconds));
            rows.put("other processes' CPU in window (noise)", String.format("%.1f s (%.0f %% of one core)", otherCpu, 100 * otherCpu / windowSeconds));
            rows.put("machine load average at window end (1 / 5 min)", load);
            rows.put("monitor RSS at end (peak)", rss + " (" + hwm + "), -Xmx" + heap);
            rows.put("monitor stop (SIGTERM -> exit)", ms(stopTime) + (clean ? "" : " (KILLED after 20 s)"));
            rows.put("monitor.log WARN / ERROR lines", logSummary.warn() + " / " + logSummary.error());

            String command = "bench/on-time-checks" + (args.length == 0 ? "" : " " + String.join(" ", args));
            report(rows, command, logSummary);
        } finally {
            boolean hookRuns = false;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                hookRuns = true; // it stops the monitor and the broker
            }
            if (monitor != null && !hookRuns) {
                stop(monitor);
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (watcher != null) {
                watcher.close();
            }
            if (simulator != null) {
                simulator.stop();
            }
            if (!hookRuns) {
                broker.stop();
            }
        }
    }

    private List<String> monitorCommand(LocalKafkaBroker broker, AmsSimulator simulator) throws IOException {
        List<String> command = BenchSupport.monitorCommand(heap, broker, simulator, intervalText);
        // the management server (health, metrics) stays on as in production, on a free port: no clash with a demo
        command.add("-Dcamel.management.port=" + freePort());
        command.addAll(monitorProperties);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /** Milliseconds from launch to the "Apache Camel ... started" line, by the log's own clock (ms resolution). */
    private static Long camelStartedAfter(Path log, Instant launchedAt) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("Apache Camel") && line.contains(" started")) {
                Matcher m = LOG_TIME.matcher(line);
                if (m.find()) {
                    return Duration.between(launchedAt, OffsetDateTime.parse(m.group(1)).toInstant()).toMillis();
                }
            }
        }
        return null;
    }

    // --- what the simulator saw ---

    /** Per job, the monotonic times of its Jobs() queries; fed on the simulator's request threads. */
    static final class CheckLog implements AmsSimulator.JobsQueryListener {
        private final String probe;
        private final Map<String, Integer> index;
        private final Object lock = new Object();
        private final long[][] times;
        private final int[] counts;
        private final long latencyMillis;
        private volatile long firstProbeCheck;
        final AtomicLong unknownIds = new AtomicLong();
        final AtomicLong multiIdQueries = new AtomicLong();

        CheckLog(String probe, List<String> ids, long latencyMillis) {
            this.probe = probe;
            this.latencyMillis = latencyMillis;
            this.index = new HashMap<>(ids.size() * 2);
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            this.times = new long[ids.size()][];
            this.counts = new int[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                times[i] = new long[128];
            }
        }

        @Override
        public void onJobsQuery(List<String> jobIds, Instant at) {
            long now = System.nanoTime();
            if (jobIds.size() > 1) {
                multiIdQueries.incrementAndGet();
            }
            for (String id : jobIds) {
                Integer i = index.get(id);
                if (i != null) {
                    add(i, now);
                } else if (id.equals(probe)) {
                    if (firstProbeCheck == 0) {
                        firstProbeCheck = now;
                    }
                } else {
                    unknownIds.incrementAndGet();
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

        private void add(int i, long now) {
            // one lock for all: at most a few thousand calls a second, each a few nanoseconds long
            synchronized (lock) {
                if (counts[i] == times[i].length) {
                    times[i] = Arrays.copyOf(times[i], times[i].length * 2);
                }
                times[i][counts[i]++] = now;
            }
        }

        long firstProbeCheck() {
            return firstProbeCheck;
        }

        int jobs() {
            return counts.length;
        }

        long[] timesOf(int i) {
            synchronized (lock) {
                return Arrays.copyOf(times[i], counts[i]);
            }
        }
    }

    /** Gaps between consecutive checks of the same job whose later check falls in the window. */
    static final class Stats {
        long checks;
        long[] gaps;
        long late;
        long early;
        int neverChecked;
        int overdueAtEnd;
        int minPerJob = Integer.MAX_VALUE;
        int maxPerJob;

        static Stats of(CheckLog log, long windowStart, long windowEnd, long interval, long lateMargin) {
            Stats s = new Stats();
            long[] gaps = new long[1024];
            int n = 0;
            for (int j = 0; j < log.jobs(); j++) {
                long[] t = log.timesOf(j);
                int inWindow = 0;
                long lastBeforeEnd = 0;
                for (int k = 0; k < t.length; k++) {
                    if (t[k] >= windowEnd) {
                        break;
                    }
                    lastBeforeEnd = t[k];
                    if (t[k] < windowStart) {
                        continue;
                    }
                    inWindow++;
                    if (k > 0) {
                        if (n == gaps.length) {
                            gaps = Arrays.copyOf(gaps, n * 2);
                        }
                        long gap = t[k] - t[k - 1];
                        gaps[n++] = gap;
                        if (gap > interval + lateMargin) {
                            s.late++;
                        }
                        // the gate sleeps whole milliseconds: up to 1 ms early is by design
                        if (gap < interval - 1_000_000L) {
                            s.early++;
                        }
                    }
                }
                s.checks += inWindow;
                s.minPerJob = Math.min(s.minPerJob, inWindow);
                s.maxPerJob = Math.max(s.maxPerJob, inWindow);
                if (inWindow == 0) {
                    s.neverChecked++;
                }
                if (lastBeforeEnd == 0 || windowEnd - lastBeforeEnd > interval + lateMargin) {
                    s.overdueAtEnd++;
                }
            }
            s.gaps = Arrays.copyOf(gaps, n);
            Arrays.sort(s.gaps);
            return s;
        }

        long gapPercentile(double p) {
            if (gaps.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(p * gaps.length) - 1;
            return gaps[Math.max(0, Math.min(gaps.length - 1, rank))];
        }

        double meanGap() {
            return gaps.length == 0 ? 0 : Arrays.stream(gaps).average().orElse(0);
        }
    }

    // --- what job-status shows ---

    /** Reads the event topics from the beginning; remembers when each job's first job-status event arrived. */
    static final class StatusWatcher extends Thread implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String statusTopic;
        private final Map<String, Long> firstEvents = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> events = new ConcurrentHashMap<>();
        private volatile boolean running = true;

        StatusWatcher(String brokers, String statusTopic, String... otherTopics) {
            super("bench-status-watcher");
            setDaemon(true);
            this.statusTopic = statusTopic;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                    new StringDeserializer(), new ByteArrayDeserializer());
            // no group: assigned partitions, ready before the monitor starts
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = new ArrayList<>(List.of(otherTopics));
            topics.add(0, statusTopic);
            for (String topic : topics) {
                events.put(topic, new AtomicLong());
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        long now = System.nanoTime();
                        events.get(r.topic()).incrementAndGet();
                        if (r.key() != null && r.topic().equals(statusTopic)) {
                            firstEvents.putIfAbsent(r.key(), now);
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        long firstEvent(String jobId) {
            return firstEvents.getOrDefault(jobId, 0L);
        }

        int firstEventsOf(List<String> ids) {
            int n = 0;
            for (String id : ids) {
                if (firstEvents.containsKey(id)) {
                    n++;
                }
            }
            return n;
        }

        long eventCount(String topic) {
            return events.get(topic).get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            join(10_000);
        }
    }

    // --- the report ---

    private void report(Map<String, String> rows, String command, LogSummary logs) throws IOException {
        Map<String, String> machine = machine("broker + simulator + harness in one JVM, monitor jar in a child JVM, same machine");

        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (String k : machine.keySet()) {
            width = Math.max(width, k.length());
        }
        StringBuilder text = new StringBuilder("\nOn-time checks of ams-job-monitor\n");
        String rule = "-".repeat(width + 2) + "+" + "-".repeat(50) + "\n";
        text.append(rule);
        String format = " %-" + width + "s | %s%n";
        rows.forEach((k, v) -> text.append(String.format(format, k, v)));
        text.append(rule);
        machine.forEach((k, v) -> text.append(String.format(format, k, v)));
        text.append(String.format(format, "command", command));
        text.append(rule);
        if (!logs.samples().isEmpty()) {
            text.append("monitor.log WARN/ERROR kinds (count x logger - message start):\n");
            logs.samples().forEach(s -> text.append("  ").append(s).append('\n'));
        }
        System.out.print(text);

        StringBuilder md = new StringBuilder("# On-time checks of ams-job-monitor\n\n");
        md.append("Run on ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" with `")
                .append(command).append("`.\n\n| measure | value |\n| --- | --- |\n");
        rows.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| machine | |\n| --- | --- |\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (!logs.samples().isEmpty()) {
            md.append("\nmonitor.log WARN/ERROR kinds:\n\n```\n");
            logs.samples().forEach(s -> md.append(s).append('\n'));
            md.append("```\n");
        }
        Path file = out.resolve("on-time-checks.md");
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        System.out.println("Written to " + relative(file));
    }
}
