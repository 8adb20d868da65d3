package io.github.amsjobmonitor.tracking;

import java.time.Instant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the job lookup reads of the schedule: one job's snapshot, counts by state, the most overdue jobs. */
class JobScheduleSnapshotTest {

    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JobSchedule schedule = new JobSchedule(INTERVAL, 1, Duration.ZERO, 10, Duration.ofMinutes(5), nanos::get);

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private String track(int partition) {
        String job = id();
        schedule.apply(partition, job, TrackedJob.requested(job, Map.of(), Instant.parse("2026-12-08T00:00:00Z"), null));
        return job;
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** Takes every due job and ends its check having seen it in {@code state}. */
    private void checkAll(String state) {
        for (List<TrackedJob> batch : schedule.takeDue()) {
            for (TrackedJob job : batch) {
                schedule.checked(job.seen("encode", state, Instant.parse("2026-12-08T00:00:01Z")));
            }
        }
    }

    @Test
    void should_tell_a_jobs_partition_state_and_last_and_next_check() {
        schedule.assigned(List.of(0, 1));
        schedule.restored(1);
        String restoring = track(0);
        String job = track(1);

        JobSchedule.JobSnapshot fresh = schedule.snapshot(job);
        assertEquals(1, fresh.partition());
        assertFalse(fresh.restoring());
        assertNull(fresh.sinceLastCheck(), "not checked yet");
        assertEquals(Duration.ZERO, fresh.untilNextCheck(), "due at once");
        assertTrue(schedule.snapshot(restoring).restoring());
        assertNull(schedule.snapshot(restoring).untilNextCheck(), "not scheduled while its partition restores");

        List<List<TrackedJob>> taken = schedule.takeDue();
        assertTrue(schedule.snapshot(job).inCheck());
        assertNull(schedule.snapshot(job).untilNextCheck());
        advance(Duration.ofSeconds(2));
        schedule.checked(taken.get(0).get(0).seen("encode", "Processing", Instant.parse("2026-12-08T00:00:01Z")));
        advance(Duration.ofSeconds(5));

        JobSchedule.JobSnapshot checked = schedule.snapshot(job);
        assertEquals("Processing", checked.job().lastState());
        assertFalse(checked.inCheck());
        assertEquals(1, checked.checks());
        assertEquals(Duration.ofSeconds(5), checked.sinceLastCheck());
        assertEquals(INTERVAL.minusSeconds(5), checked.untilNextCheck());
        assertNull(schedule.snapshot(id()), "not tracked here");
    }

    @Test
    void should_count_jobs_by_state_and_list_the_most_overdue_first() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String first = track(0);
        checkAll("Processing");
        advance(Duration.ofSeconds(1));
        String second = track(0);
        checkAll("Queued");
        advance(Duration.ofSeconds(1));
        String third = track(0);
        checkAll("Processing");
        track(0); // not checked yet
        advance(INTERVAL.plusSeconds(3));

        JobSchedule.Summary summary = schedule.summary(2);
        assertEquals(4, summary.jobs());
        Map<String, Integer> expected = new java.util.HashMap<>();
        expected.put("Processing", 2);
        expected.put("Queued", 1);
        expected.put(JobSchedule.NOT_SEEN, 1);
        assertEquals(expected, new java.util.HashMap<>(summary.byState()));
        // the never-checked job has waited longest (since it was taken in), then first, then second; two asked for
        List<String> most = summary.mostOverdue().stream().map(s -> s.job().jobId()).toList();
        assertEquals(2, most.size());
        assertFalse(most.contains(third) || most.contains(second), most.toString());
        assertTrue(most.contains(first), most.toString());
        assertTrue(summary.mostOverdue().get(0).untilNextCheck().compareTo(summary.mostOverdue().get(1).untilNextCheck()) < 0,
                "most overdue first");
        assertEquals(List.of(0), summary.partitions());
        assertEquals(0, summary.partitionsRestoring());
    }

    @Test
    void should_list_no_job_that_is_not_yet_due() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        track(0);
        checkAll("Processing");
        advance(INTERVAL.minusSeconds(1));
        assertEquals(List.of(), schedule.summary(10).mostOverdue());
    }
}
