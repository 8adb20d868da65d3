package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the schedule tells the metrics: how late the most overdue check is, and the jobs by state. */
class JobScheduleReadingsTest {

    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Duration WINDOW = Duration.ofMillis(50);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    // batches of 3, at most 3 jobs in checks at once: a fourth due job has to wait
    private final JobSchedule schedule = new JobSchedule(INTERVAL, 3, WINDOW, 3, Duration.ofMinutes(5), nanos::get);

    private String track() {
        String id = "nb:jid:UUID:" + UUID.randomUUID();
        schedule.apply(0, id, requested(id));
        return id;
    }

    private TrackedJob requested(String id) {
        return record(id, null);
    }

    private TrackedJob seen(TrackedJob job, String state) {
        return record(job.jobId(), state);
    }

    /** A record of the tracking topic (state null: a request from intake), read as the schedule reads one. */
    private TrackedJob record(String id, String state) {
        String json = "{\"jobId\":\"" + id + "\",\"trackedSince\":\"2026-11-26T14:00:00Z\""
                + (state == null ? ",\"origin\":\"intake\"}"
                : ",\"jobName\":\"encode\",\"lastState\":\"" + state + "\",\"lastStateAt\":\"2026-11-26T14:00:01Z\",\"origin\":\"check\"}");
        return Objects.requireNonNull(schedule.read(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private long lagMillis() {
        return Duration.ofNanos(schedule.oldestOverdueNanos()).toMillis();
    }

    @Test
    void should_report_no_lag_while_every_due_job_is_taken_in_time() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        assertEquals(0, lagMillis(), "no job at all");
        track();
        track();
        track();
        assertEquals(0, lagMillis(), "due now, late by nothing yet");
        List<TrackedJob> batch = schedule.takeDue().get(0);
        advance(INTERVAL.minusSeconds(1));
        assertEquals(0, lagMillis(), "jobs in their check are not waiting");
        batch.forEach(job -> schedule.checked(seen(job, "Processing")));
        advance(Duration.ofSeconds(14));
        assertEquals(0, lagMillis(), "the next checks are due in the future");
    }

    @Test
    void should_report_how_long_the_most_overdue_job_waited_past_its_due_time() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 4; i++) {
            track();
        }
        advance(WINDOW);
        List<List<TrackedJob>> taken = schedule.takeDue();
        assertEquals(3, taken.get(0).size(), "the in-flight limit holds the fourth job back");
        advance(Duration.ofSeconds(7));
        assertEquals(7050, lagMillis());
        taken.get(0).forEach(schedule::retryLater);
        assertEquals(1, schedule.takeDue().get(0).size(), "room again: the waiting job leaves");
        assertEquals(0, lagMillis(), "the other three are due one interval from now");
        advance(INTERVAL.plusSeconds(2));
        assertEquals(2000, lagMillis(), "they are two seconds overdue now");
    }

    @Test
    void should_not_count_the_jobs_of_a_partition_still_restoring_as_late() {
        schedule.assigned(List.of(0));
        track();
        advance(Duration.ofMinutes(1));
        assertEquals(0, lagMillis());
        schedule.restored(0);
        advance(Duration.ofSeconds(3));
        assertEquals(3000, lagMillis(), "due from the moment the partition was restored");
    }

    @Test
    void should_forget_the_due_time_of_a_job_whose_tracking_ended() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String job = track();
        advance(Duration.ofSeconds(5));
        assertEquals(5000, lagMillis());
        schedule.stopped(job);
        assertEquals(0, lagMillis());
    }

    @Test
    void should_count_the_jobs_by_the_state_last_published() {
        schedule.assigned(List.of(0, 1));
        schedule.restored(0);
        for (int i = 0; i < 3; i++) {
            track();
        }
        String other = "nb:jid:UUID:" + UUID.randomUUID();
        schedule.apply(1, other, seen(requested(other), "Queued"));
        assertEquals(Map.of(JobSchedule.NOT_SEEN, 3, "Queued", 1), schedule.countByState(),
                "a partition still restoring counts: its jobs are held here");
        advance(WINDOW);
        List<TrackedJob> batch = schedule.takeDue().get(0);
        schedule.checked(seen(batch.get(0), "Processing"));
        schedule.checked(seen(batch.get(1), "Scheduled"));
        schedule.stopped(batch.get(2).jobId());
        assertEquals(Map.of("Processing", 1, "Scheduled", 1, "Queued", 1), schedule.countByState());
    }
}
