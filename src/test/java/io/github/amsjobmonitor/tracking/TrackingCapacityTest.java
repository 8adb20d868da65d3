package io.github.amsjobmonitor.tracking;

import java.time.Instant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** monitor.tracking.max-jobs: its default from the heap, and which tracking records wait for room. */
class TrackingCapacityTest {

    private static final long MIB = 1024 * 1024;
    private final JobSchedule schedule = new JobSchedule(Duration.ofSeconds(15), 20, Duration.ofMillis(50), 40,
            Duration.ofMinutes(5), System::nanoTime);
    private final TrackingCapacity capacity = new TrackingCapacity(schedule, 2);

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private static TrackedJob request(String id) {
        return TrackedJob.requested(id, Map.of(), Instant.parse("2026-11-26T14:00:00Z"), null);
    }

    private String track(String id) {
        schedule.apply(0, id, request(id));
        return id;
    }

    @Test
    void should_size_the_default_from_half_the_heap_and_the_largest_job_allowed() {
        // 128 MiB / (586 + 1.25 x 4096 bytes)
        assertEquals(23_522, TrackingCapacity.defaultMaxJobs(256 * MIB, 4096));
        assertEquals(94_088, TrackingCapacity.defaultMaxJobs(1024 * MIB, 4096));
        // no correlation data allowed: only the measured 586 bytes a job takes
        assertEquals(229_040, TrackingCapacity.defaultMaxJobs(256 * MIB, 0));
        assertEquals(1, TrackingCapacity.defaultMaxJobs(1, 4096), "at least one job");
    }

    @Test
    void should_admit_new_jobs_only_while_there_is_room() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        track(id());
        String second = id();
        assertTrue(capacity.admits(second, request(second)));
        track(second);

        String third = id();
        assertTrue(capacity.full());
        assertFalse(capacity.admits(third, request(third)), "a third job waits on the topic");
        assertFalse(capacity.admits(third, request(third).seen("n", "Queued", Instant.parse("2026-11-26T14:00:01Z"))),
                "also a job another instance checked before (a rebalance): it is one more job here");

        schedule.stopped(second);
        assertFalse(capacity.full());
        assertTrue(capacity.admits(third, request(third)), "room again once a job ended");
    }

    @Test
    void should_always_admit_what_is_about_a_job_tracked_here_and_tombstones() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String first = track(id());
        track(id());

        assertTrue(capacity.admits(first, request(first).seen("n", "Processing", Instant.parse("2026-11-26T14:00:01Z"))), "an update");
        assertTrue(capacity.admits(first, request(first)), "the same job ID again");
        assertTrue(capacity.admits(id(), null), "a tombstone never adds a job");
    }
}
