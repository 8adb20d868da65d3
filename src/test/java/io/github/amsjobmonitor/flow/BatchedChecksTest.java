package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.ams.BatchedJobLookup;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.ODataFilter;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks of jobs due together share one {@code Jobs()} request, over a real broker and the simulator:
 * every job still gets its own answer, jobs AMS does not know go the not-found way one by one, and no
 * request URL reaches 2,000 characters however many jobs a batch may take.
 */
class BatchedChecksTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualClock clock = ManualClock.startingNow();
    private final AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
    private final KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
    private final Topics topics = Topics.unique();
    private RunningMonitor monitor;

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        kafka.close();
        simulator.close();
    }

    @Test
    void should_answer_known_jobs_of_a_batch_and_dead_letter_the_unknown_ones() {
        List<String> known = registerJobs(6);
        List<String> unknown = Stream.generate(SimulatedJob::randomId).limit(4).toList();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.checks.partitions", "8");
        settings.put("monitor.not-found.max-attempts", "3");
        // a wide window, so that jobs checked on different threads surely meet in one batch
        settings.put("monitor.batch.window", "300ms");
        monitor = RunningMonitor.start(settings, topics);
        // until every check consumer has its partition, one thread may hold them all, and one thread
        // checks one job at a time: no batch could form
        awaitCheckConsumers(settings.get("monitor.group-id") + "-checks", 8);

        Stream.concat(known.stream(), unknown.stream()).forEach(id -> kafka.send(topics.jobIds(), null, id));

        awaitStatus(known, "Queued");
        List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> unknown.contains(r.key()), unknown.size(), WAIT);
        assertEquals(unknown.size(), dead.size(), "dead letters of the unknown jobs");
        for (ConsumerRecord<String, byte[]> record : dead) {
            assertEquals("JOB_NOT_FOUND", header(record, "monitor-error-code"));
        }
        clock.advance(STEP);
        awaitStatus(known, "Scheduled");

        List<List<String>> batches = jobsQueries().stream().map(BatchedChecksTest::jobIdsOf).filter(ids -> ids.size() > 1).toList();
        assertTrue(batches.stream().anyMatch(ids -> ids.stream().anyMatch(unknown::contains)),
                "no request asked for an unknown job together with others: " + batches);
        assertTrue(batches.stream().anyMatch(ids -> ids.stream().filter(known::contains).count() > 1),
                "no request asked for several known jobs: " + batches);
    }

    @Test
    void should_reuse_kept_alive_connections_and_one_token_for_all_checks() {
        List<String> jobs = registerJobs(20);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.checks.partitions", "8");
        monitor = RunningMonitor.start(settings, topics);

        jobs.forEach(id -> kafka.send(topics.jobIds(), null, id));
        awaitStatus(jobs, "Queued");
        clock.advance(STEP);
        awaitStatus(jobs, "Scheduled");
        int requests = simulator.jobsRequestCount() + simulator.tasksRequestCount();
        System.out.printf("BatchedChecksTest: %d AMS requests over %d connections, %d token requests%n",
                requests, simulator.apiConnectionCount(), simulator.tokenRequestCount());

        // at most one connection per thread that may call at the same time (8 check threads, intake)
        assertTrue(simulator.apiConnectionCount() <= 9,
                simulator.apiConnectionCount() + " connections for " + requests + " requests");
        assertTrue(requests > 3 * simulator.apiConnectionCount(), requests + " requests");
        assertEquals(1, simulator.tokenRequestCount(), "token requests");
    }

    @Test
    void should_split_a_batch_that_would_make_the_url_too_long() {
        List<String> jobs = registerJobs(80);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        // more threads than a URL can carry IDs, so that batches fill up to the URL limit
        settings.put("monitor.checks.partitions", "40");
        settings.put("monitor.batch.max-jobs", "60");
        settings.put("monitor.batch.window", "500ms");
        monitor = RunningMonitor.start(settings, topics);

        jobs.forEach(id -> kafka.send(topics.jobIds(), null, id));
        awaitStatus(jobs, "Queued");
        simulator.reset();
        clock.advance(STEP);
        awaitStatus(jobs, "Scheduled");

        List<RecordedRequest> queries = jobsQueries();
        int longest = queries.stream().mapToInt(r -> url(r).length()).max().orElse(0);
        int largest = queries.stream().mapToInt(r -> jobIdsOf(r).size()).max().orElse(0);
        int capacity = monitor.context().getRegistry().lookupByNameAndType("jobLookup", BatchedJobLookup.class).capacity();
        assertTrue(longest < BatchedJobLookup.MAX_URL_LENGTH, "a request URL of " + longest + " characters");
        assertTrue(capacity > 20 && capacity < 60, "jobs per request under the URL limit: " + capacity);
        // batches filled up to the URL limit and were split there
        assertEquals(capacity, largest, "the largest batch");
        for (RecordedRequest query : queries) {
            assertEquals(String.valueOf(jobIdsOf(query).size()), query.queryParameter("$top"));
        }
    }

    private List<String> registerJobs(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(simulator.registerRandom(JobScenario.FINISH, STEP));
        }
        return ids;
    }

    private void awaitStatus(List<String> jobIds, String state) {
        Set<String> waiting = Set.copyOf(jobIds);
        List<ConsumerRecord<String, byte[]>> seen = kafka.consume(topics.jobStatus(),
                r -> waiting.contains(r.key()) && state.equals(stateOf(r)), jobIds.size(), WAIT);
        assertEquals(jobIds.size(), seen.size(), state + " events within " + WAIT);
    }

    private static void awaitCheckConsumers(String groupId, int members) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers()))) {
            TopicWatcher.awaitOrFail(WAIT, () -> {
                try {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
                    return group.members().size() == members
                            && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
                } catch (InterruptedException | ExecutionException e) {
                    return false;
                }
            }, () -> members + " check consumers with a partition each");
        }
    }

    private List<RecordedRequest> jobsQueries() {
        return simulator.recordedRequests().stream().filter(r -> r.pathAndQuery().startsWith("/api/Jobs()")).toList();
    }

    private String url(RecordedRequest request) {
        return simulator.baseUrl() + request.pathAndQuery();
    }

    private static List<String> jobIdsOf(RecordedRequest request) {
        return ODataFilter.parse(request.queryParameter("$filter")).jobIds();
    }

    private static String stateOf(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("state").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
