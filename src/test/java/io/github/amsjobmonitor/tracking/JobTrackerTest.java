package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsAnswerInvalidException;
import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.AmsTask;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.ams.TasksPage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTrackerTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final String OTHER = "nb:jid:UUID:3b8e6d2f-1c4a-4d95-8b62-8f3e1a7c9d22";
    private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

    private final JobTracker tracker = new JobTracker(Duration.ofHours(48),
            new ProgressPolicy(5, Duration.ofSeconds(30)), Clock.fixed(NOW, ZoneOffset.UTC));

    private static JobsPage page(Integer state) {
        return new JobsPage(List.of(new AmsJob(ID, "encode", null, null, null, null, 0.0, state)));
    }

    private static TrackedJob requested(String id) {
        return TrackedJob.requested(id, Map.of("k", "v"), NOW, null);
    }

    @Test
    void should_keep_task_errors_out_of_a_processing_observation_when_the_job_failed_after_it_was_seen() {
        // the job was seen Processing; its tasks, read a moment later, already carry the failure
        TasksPage failed = new TasksPage(List.of(new AmsTask("t1", "Encode", 4, 70.0,
                List.of(new AmsTask.ErrorDetail("ErrorProcessingTask", "corrupt input")))));
        Observation processing = tracker.withTasks(tracker.observe(requested(ID), page(2)), failed);
        assertTrue(processing.errors().isEmpty(), "errors on a Processing observation: " + processing.errors());
        Observation error = tracker.withTasks(tracker.observe(requested(ID), page(4)), failed);
        assertEquals(1, error.errors().size());
        assertEquals("Encode", error.errors().get(0).task());
    }

    @Test
    void should_count_the_first_observation_as_a_change() {
        Observation seen = tracker.observe(requested(ID), page(0));
        assertEquals(JobState.Queued, seen.state());
        assertTrue(seen.changed());
    }

    @Test
    void should_not_count_the_same_state_again_as_a_change() {
        TrackedJob next = tracker.nextCheck(tracker.observe(requested(ID), page(2)));
        assertEquals("Processing", next.lastState());
        assertEquals(NOW, next.lastStateAt());
        assertFalse(tracker.observe(next, page(2)).changed());
        assertTrue(tracker.observe(next, page(3)).changed());
    }

    @Test
    void should_remember_nothing_new_after_a_check_that_saw_the_same_state() {
        TrackedJob seen = tracker.nextCheck(tracker.observe(requested(ID), page(2)));
        TrackedJob again = tracker.nextCheck(tracker.observe(seen, page(2)));
        assertFalse(again.differsFrom(seen), "an unchanged check must not need a tracking write");
        assertTrue(seen.differsFrom(requested(ID)), "the first observation must be remembered");
    }

    @Test
    void should_split_a_batch_answer_per_job_in_the_batch_order() {
        List<Observation> observations = tracker.observeAll(List.of(requested(OTHER), requested(ID)), page(3));
        assertEquals(List.of(OTHER, ID), observations.stream().map(Observation::jobId).toList());
        assertFalse(observations.get(0).found());
        assertEquals(JobState.Finished, observations.get(1).state());
    }

    @Test
    void should_match_job_ids_whatever_their_case() {
        JobsPage upper = new JobsPage(List.of(new AmsJob(ID.toUpperCase(), "encode", null, null, null, null, 0.0, 1)));
        assertEquals(JobState.Scheduled, tracker.observe(requested(ID), upper).state());
    }

    @Test
    void should_fail_only_the_job_that_came_without_a_state() {
        Observation stateless = tracker.observe(requested(ID), page(null));
        assertThrows(AmsAnswerInvalidException.class, () -> tracker.requireState(stateless));
        Observation fine = tracker.observe(requested(ID), page(2));
        assertEquals(fine, tracker.requireState(fine));
    }

    @Test
    void should_tell_a_missing_job_from_an_unknown_state() {
        Observation missing = tracker.observe(requested(ID), new JobsPage(List.of()));
        assertFalse(missing.found());
        assertEquals(1, tracker.notFoundAgain(missing).notFoundAttempts());

        Observation strange = tracker.observe(requested(ID), page(9));
        assertTrue(strange.found());
        assertNull(strange.state());
        assertFalse(strange.changed());
        assertNull(tracker.nextCheck(strange).lastState());
    }

    @Test
    void should_expire_a_job_tracked_longer_than_the_maximum() {
        TrackedJob fresh = requested(ID);
        assertFalse(tracker.isExpired(fresh));
        TrackedJob old = new TrackedJob(OTHER, "encode", "Processing", null, Map.of(), NOW.minus(Duration.ofHours(49)),
                0, null, null, null, 0, TrackedJob.FROM_CHECK, null);
        assertTrue(tracker.isExpired(old));
        assertEquals(List.of(old), tracker.expired(List.of(fresh, old)));
        assertEquals(List.of(fresh), tracker.unexpired(List.of(fresh, old)));
        assertTrue(tracker.expiryReason(old).contains("still Processing after PT48H"), tracker.expiryReason(old));
    }

    @Test
    void should_keep_the_bare_job_id_as_the_original_record() {
        assertEquals(ID, TrackedJob.requested(ID, Map.of(), NOW, null).originalRecord());
        String json = "{\"jobId\":\"" + ID + "\"}";
        assertEquals(json, TrackedJob.requested(ID, Map.of(), NOW, json).originalRecord(), "an older version's record");
    }

    @Test
    void should_rebuild_the_request_from_job_id_and_correlation_data_for_a_dead_letter() {
        TrackedJob tracked = TrackedJob.requested(ID, Map.of("z", "1", "a", "\"quoted\""), NOW, null);
        assertEquals("{\"jobId\":\"" + ID + "\",\"correlationData\":{\"a\":\"\\\"quoted\\\"\",\"z\":\"1\"}}",
                tracked.originalRecord());
    }
}
