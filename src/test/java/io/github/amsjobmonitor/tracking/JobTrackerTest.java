package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.intake.JobRequest;
import io.github.amsjobmonitor.intake.RejectedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTrackerTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(15), Duration.ofHours(48),
            new ProgressPolicy(5, Duration.ofSeconds(30)), Clock.fixed(NOW, ZoneOffset.UTC));

    private static JobsPage page(Integer state) {
        return new JobsPage(List.of(new AmsJob(ID, "encode", null, null, null, null, 0.0, state)));
    }

    @Test
    void should_start_a_new_job_due_now_with_no_state() {
        TrackedJob job = tracker.startTracking(new JobRequest(ID, Map.of("k", "v")), ID);
        assertEquals(NOW, job.due());
        assertNull(job.lastState());
        assertEquals(Map.of("k", "v"), job.correlationData());
    }

    @Test
    void should_count_the_first_observation_as_a_change() {
        TrackedJob job = tracker.startTracking(new JobRequest(ID, Map.of()), ID);
        Observation seen = tracker.observe(job, page(0));
        assertEquals(JobState.Queued, seen.state());
        assertTrue(seen.changed());
    }

    @Test
    void should_not_count_the_same_state_again_as_a_change() {
        TrackedJob job = tracker.startTracking(new JobRequest(ID, Map.of()), ID);
        TrackedJob next = tracker.nextCheck(tracker.observe(job, page(2)));
        assertEquals("Processing", next.lastState());
        assertEquals(NOW.plusSeconds(15), next.due());
        assertFalse(tracker.observe(next, page(2)).changed());
        assertTrue(tracker.observe(next, page(3)).changed());
    }

    @Test
    void should_tell_a_missing_job_from_an_unknown_state() {
        TrackedJob job = tracker.startTracking(new JobRequest(ID, Map.of()), ID);
        Observation missing = tracker.observe(job, new JobsPage(List.of()));
        assertFalse(missing.found());
        assertEquals(1, tracker.notFoundAgain(missing).notFoundAttempts());

        Observation strange = tracker.observe(job, page(9));
        assertTrue(strange.found());
        assertNull(strange.state());
        assertFalse(strange.changed());
        assertNull(tracker.nextCheck(strange).lastState());
    }

    @Test
    void should_read_back_what_it_writes_and_reject_anything_else() throws Exception {
        TrackedJob job = tracker.startTracking(new JobRequest(ID, Map.of("k", "v")), ID);
        byte[] record = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(job);
        assertEquals(job, tracker.read(record));
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> tracker.read("garbage".getBytes(StandardCharsets.UTF_8)));
        assertEquals(JobTracker.INVALID_TRACKING_RECORD, e.getCode());
    }

    @Test
    void should_expire_a_job_tracked_longer_than_the_maximum() {
        TrackedJob fresh = tracker.startTracking(new JobRequest(ID, Map.of()), ID);
        assertFalse(tracker.isExpired(fresh));
        TrackedJob old = new TrackedJob(ID, "encode", "Processing", Map.of(), NOW.minus(Duration.ofHours(49)).toString(),
                NOW.toString(), 0, ID, null, null);
        assertTrue(tracker.isExpired(old));
        assertTrue(tracker.expiryReason(old).contains("still Processing after PT48H"), tracker.expiryReason(old));
    }
}
