package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The job lookup's answers: the job as known here, 404 naming the owner partition, 400 for what is not a job ID. */
class JobLookupTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final int PARTITIONS = 32;

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final JobSchedule schedule = new JobSchedule(INTERVAL, 1, Duration.ZERO, 10, Duration.ofMinutes(5), nanos::get);
    private final JobLookup lookup = new JobLookup(schedule, "job-tracking", PARTITIONS, Clock.fixed(NOW, ZoneOffset.UTC));

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private JsonNode body(JobLookup.Answer answer) throws Exception {
        return JSON.readTree(answer.json());
    }

    @Test
    void should_answer_what_this_instance_knows_of_a_tracked_job() throws Exception {
        String job = id();
        schedule.assigned(List.of(7));
        schedule.restored(7);
        schedule.apply(7, job, TrackedJob.requested(job, Map.of(), Instant.parse("2026-12-08T00:59:00Z"), null,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        TrackedJob taken = schedule.takeDue().get(0).get(0);
        schedule.checked(taken.seen("encode", "Processing", Instant.parse("2026-12-08T00:59:30Z")).progressPublished(40.0, Instant.parse("2026-12-08T00:59:30Z")));
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());

        JobLookup.Answer answer = lookup.job(job);
        assertEquals(200, answer.status());
        JsonNode body = body(answer);
        assertEquals(job, body.get("jobId").asText());
        assertEquals("Processing", body.get("state").asText());
        assertEquals(40.0, body.get("progress").asDouble());
        assertEquals("2026-12-08T00:59:00Z", body.get("trackedSince").asText());
        assertEquals("2026-12-08T00:59:56Z", body.get("lastCheck").asText());
        assertEquals("2026-12-08T01:00:11Z", body.get("nextCheck").asText());
        assertEquals(0.0, body.get("overdueSeconds").asDouble());
        assertEquals(7, body.get("partition").asInt());
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", body.get("traceparent").asText());
    }

    @Test
    void should_say_which_partition_owns_an_id_not_tracked_here_as_kafkas_default_partitioner_would() throws Exception {
        schedule.assigned(List.of(0, 1));
        for (int i = 0; i < 50; i++) {
            String job = id();
            int kafkas = BuiltInPartitioner.partitionForKey(job.getBytes(StandardCharsets.UTF_8), PARTITIONS);
            JobLookup.Answer answer = lookup.job(job);
            assertEquals(404, answer.status());
            JsonNode body = body(answer);
            assertEquals(kafkas, body.get("partition").asInt(), job);
            assertEquals(job, body.get("jobId").asText());
            assertEquals("[0,1]", body.get("partitionsOwnedHere").toString());
            assertTrue(body.get("message").asText().contains("partition " + kafkas + " of job-tracking"), body.toString());
        }
    }

    @Test
    void should_look_an_id_up_in_its_canonical_form_whatever_the_case_of_its_guid() throws Exception {
        String job = id();
        schedule.assigned(List.of(3));
        schedule.restored(3);
        schedule.apply(3, job, TrackedJob.requested(job, Map.of(), Instant.parse("2026-12-08T00:59:00Z"), null));
        String upper = "nb:jid:UUID:" + job.substring(12).toUpperCase();
        assertEquals(200, lookup.job(upper).status());
        String guid = UUID.randomUUID().toString();
        JsonNode unknown = body(lookup.job("nb:jid:UUID:" + guid.toUpperCase()));
        assertEquals("nb:jid:UUID:" + guid, unknown.get("jobId").asText());
        assertEquals(BuiltInPartitioner.partitionForKey(("nb:jid:UUID:" + guid).getBytes(StandardCharsets.UTF_8), PARTITIONS),
                unknown.get("partition").asInt());
    }

    @Test
    void should_refuse_what_is_not_a_job_id_without_repeating_it() throws Exception {
        for (String bad : List.of("<script>alert(1)</script>", "nb:jid:UUID:1234", "nb:jid:UUID:' or 1 eq 1",
                "\u001b[31mred", "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11%0d%0aX: y")) {
            JobLookup.Answer answer = lookup.job(bad);
            assertEquals(400, answer.status(), bad);
            assertFalse(answer.json().contains(bad), answer.json());
            assertFalse(answer.json().contains("script") || answer.json().contains("\u001b") || answer.json().contains("' or"),
                    answer.json());
            assertTrue(body(answer).get("error").asText().startsWith("not an AMS v2 job ID"), answer.json());
        }
    }

    @Test
    void should_count_jobs_by_state_and_list_the_ten_most_overdue() throws Exception {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 12; i++) {
            String job = id();
            schedule.apply(0, job, TrackedJob.requested(job, Map.of(), Instant.parse("2026-12-08T00:00:00Z"), null));
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        List<List<TrackedJob>> taken = schedule.takeDue();
        for (int i = 0; i < taken.size(); i++) {
            TrackedJob job = taken.get(i).get(0);
            // three seen Queued, the others not found by AMS yet
            schedule.checked(i < 3 ? job.seen("encode", "Queued", Instant.parse("2026-12-08T00:00:12Z")) : job.notFoundOnceMore());
        }
        nanos.addAndGet(INTERVAL.plusSeconds(1).toNanos());

        JobLookup.Answer answer = lookup.summary();
        assertEquals(200, answer.status());
        JsonNode body = body(answer);
        assertEquals(12, body.get("jobs").asInt());
        assertEquals(3, body.get("byState").get("Queued").asInt());
        assertEquals(9, body.get("byState").get("NotSeenYet").asInt());
        assertEquals(JobLookup.MOST_OVERDUE, body.get("mostOverdue").size());
        double previous = Double.MAX_VALUE;
        for (JsonNode job : body.get("mostOverdue")) {
            double overdue = job.get("overdueSeconds").asDouble();
            assertTrue(overdue > 0 && overdue <= previous, body.toString());
            previous = overdue;
        }
    }
}
