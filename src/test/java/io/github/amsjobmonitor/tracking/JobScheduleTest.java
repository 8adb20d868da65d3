package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory schedule: restore before checking, batches, one check of a job at a time, ownership. */
class JobScheduleTest {

    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Duration WINDOW = Duration.ofMillis(50);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JobSchedule schedule = new JobSchedule(INTERVAL, 3, WINDOW, 9, Duration.ofMinutes(5), nanos::get);

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private static TrackedJob request(String id) {
        return TrackedJob.requested(id, Map.of(), Instant.parse("2026-11-26T14:00:00Z"), null);
    }

    private static TrackedJob seen(TrackedJob job, String state) {
        return job.seen("encode", state, Instant.parse("2026-11-26T14:00:01Z"));
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static List<String> ids(List<List<TrackedJob>> batches) {
        List<String> ids = new ArrayList<>();
        batches.forEach(b -> b.forEach(j -> ids.add(j.jobId())));
        return ids;
    }

    @Test
    void should_check_no_job_of_a_partition_before_it_is_restored() {
        schedule.assigned(List.of(0));
        schedule.apply(0, "a", request(id()));
        String job = id();
        schedule.apply(0, job, request(job));
        advance(WINDOW);
        assertTrue(schedule.takeDue().isEmpty());
        assertEquals(1, schedule.partitionsRestoring());
        schedule.restored(0);
        advance(WINDOW);
        assertEquals(2, ids(schedule.takeDue()).size());
        assertEquals(0, schedule.partitionsRestoring());
    }

    @Test
    void should_hand_out_full_batches_at_once_and_a_partial_one_after_the_window() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 4; i++) {
            String job = id();
            schedule.apply(0, job, request(job));
        }
        List<List<TrackedJob>> first = schedule.takeDue();
        assertEquals(1, first.size(), "one full batch of 3; the 4th waits for company");
        assertEquals(3, first.get(0).size());
        assertTrue(schedule.takeDue().isEmpty());
        advance(WINDOW);
        assertEquals(1, ids(schedule.takeDue()).size());
    }

    @Test
    void should_not_check_a_job_again_before_its_check_ended_and_one_interval_passed() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String job = id();
        schedule.apply(0, job, request(job));
        advance(WINDOW);
        TrackedJob taken = schedule.takeDue().get(0).get(0);
        advance(INTERVAL.multipliedBy(2));
        assertTrue(schedule.takeDue().isEmpty(), "a job in its check is not handed out twice");
        schedule.checked(seen(taken, "Processing"));
        advance(INTERVAL.minusMillis(100));
        assertTrue(schedule.takeDue().isEmpty());
        advance(Duration.ofMillis(100).plus(WINDOW));
        List<List<TrackedJob>> again = schedule.takeDue();
        assertEquals("Processing", again.get(0).get(0).lastState(), "the next check sees what the last one remembered");
    }

    @Test
    void should_keep_at_most_the_in_flight_limit_in_checks() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 20; i++) {
            String job = id();
            schedule.apply(0, job, request(job));
        }
        assertEquals(9, ids(schedule.takeDue()).size());
        assertEquals(9, schedule.inFlight());
        assertTrue(schedule.takeDue().isEmpty());
    }

    @Test
    void should_track_a_job_id_sent_twice_as_one_job_and_write_its_record_again() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String job = id();
        schedule.apply(0, job, request(job));
        advance(WINDOW);
        TrackedJob taken = schedule.takeDue().get(0).get(0);
        TrackedJob after = seen(taken, "Processing");
        schedule.checked(after);
        schedule.apply(0, job, request(job));
        assertEquals(1, schedule.size());
        advance(INTERVAL.plus(WINDOW));
        TrackedJob next = schedule.takeDue().get(0).get(0);
        assertEquals("Processing", next.lastState(), "the request did not reset what is known");
        assertTrue(schedule.isWorthWriting(next, next), "the topic's latest value is the request: write the state again");
        schedule.checked(next);
        assertFalse(schedule.isWorthWriting(next, next));
    }

    @Test
    void should_skip_its_own_records_but_apply_other_writers() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String job = id();
        schedule.apply(0, job, request(job));
        advance(WINDOW);
        TrackedJob taken = schedule.takeDue().get(0).get(0);
        TrackedJob finished = seen(taken, "Finished");
        schedule.checked(seen(taken, "Processing"));
        // an older record of this instance read back after a newer state is remembered: skipped
        schedule.apply(0, job, seen(taken, "Queued").writtenBy(schedule.instance()));
        advance(INTERVAL.plus(WINDOW));
        TrackedJob next = schedule.takeDue().get(0).get(0);
        assertEquals("Processing", next.lastState());
        schedule.checked(next);
        // another instance's record (it owned the partition before): applied
        schedule.apply(0, job, finished.writtenBy("another instance"));
        advance(INTERVAL.plus(WINDOW));
        assertEquals("Finished", schedule.takeDue().get(0).get(0).lastState());
    }

    @Test
    void should_forget_a_job_at_its_tombstone_and_the_jobs_of_a_revoked_partition() {
        schedule.assigned(List.of(0, 1));
        schedule.restored(0);
        schedule.restored(1);
        String a = id();
        String b = id();
        String c = id();
        schedule.apply(0, a, request(a));
        schedule.apply(0, b, request(b));
        schedule.apply(1, c, request(c));
        schedule.apply(0, a, null);
        assertEquals(2, schedule.size());
        schedule.revoked(List.of(1));
        assertEquals(1, schedule.size());
        schedule.apply(1, c, request(c));
        assertEquals(1, schedule.size(), "records of a partition not owned are ignored");
        advance(WINDOW);
        assertEquals(List.of(b), ids(schedule.takeDue()));
    }

    @Test
    void should_not_bring_back_a_job_whose_tracking_ended_during_its_check() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String job = id();
        schedule.apply(0, job, request(job));
        advance(WINDOW);
        TrackedJob taken = schedule.takeDue().get(0).get(0);
        schedule.stopped(job);
        schedule.checked(seen(taken, "Processing"));
        assertEquals(0, schedule.size());
        assertEquals(0, schedule.inFlight());
    }

    @Test
    void should_put_back_every_job_of_a_failed_batch() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 3; i++) {
            String job = id();
            schedule.apply(0, job, request(job));
        }
        List<TrackedJob> batch = schedule.takeDue().get(0);
        schedule.checkFailed(null, batch);
        assertEquals(0, schedule.inFlight());
        advance(INTERVAL.plus(WINDOW));
        assertEquals(3, ids(schedule.takeDue()).size());
    }

    @Test
    void should_hand_back_the_jobs_of_a_cut_off_batch_once_and_one_interval_later() {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        List<String> jobs = List.of(id(), id(), id());
        jobs.forEach(job -> schedule.apply(0, job, request(job)));
        List<TrackedJob> batch = schedule.takeDue().get(0);
        // one job's check ended before Camel cut the batch off
        schedule.checked(seen(batch.get(0), "Queued"));

        assertEquals(2, schedule.handBack(batch), "the two jobs still in the check");
        assertEquals(0, schedule.inFlight());
        assertEquals(0, schedule.checksOf(batch.get(1).jobId()), "a check cut off is not counted");
        assertEquals(0, schedule.handBack(batch), "handed back once");
        advance(WINDOW);
        assertTrue(schedule.takeDue().isEmpty(), "due one interval later, as after a failed check");

        // the cut-off thread still ends one of its checks, before the job is taken again
        schedule.checked(seen(batch.get(1), "Scheduled"));
        assertEquals(1, schedule.checksOf(batch.get(1).jobId()), "that check counted once");
        assertEquals("Scheduled", schedule.snapshot(batch.get(1).jobId()).job().lastState(), "what it learned is kept");
        advance(INTERVAL);
        List<List<TrackedJob>> again = schedule.takeDue();
        assertEquals(Set.copyOf(jobs), Set.copyOf(ids(again)), "each job once: no second chain");
        assertEquals(3, ids(again).size());

        assertEquals(0, schedule.handBack(batch), "an old batch leaves the jobs' new check alone");
        assertEquals(3, schedule.inFlight());
    }

    @Test
    void should_check_again_a_job_whose_check_never_ended() {
        JobSchedule short_ = new JobSchedule(INTERVAL, 3, WINDOW, 9, Duration.ofMinutes(1), nanos::get);
        short_.assigned(List.of(0));
        short_.restored(0);
        String job = id();
        short_.apply(0, job, request(job));
        advance(WINDOW);
        assertEquals(1, ids(short_.takeDue()).size());
        advance(Duration.ofMinutes(1));
        assertTrue(short_.takeDue().isEmpty(), "reclaimed, due now, but alone: waits out the window");
        advance(WINDOW);
        assertEquals(List.of(job), ids(short_.takeDue()));
    }

    @Test
    void should_read_back_the_record_it_writes() throws Exception {
        TrackedJob job = seen(request(id()), "Queued");
        TrackedJob read = schedule.read(schedule.record(job));
        assertEquals(schedule.instance(), read.writer());
        assertFalse(read.differsFrom(job));
        assertEquals(null, schedule.read("garbage".getBytes()));
    }

    @Test
    void should_hand_out_due_first_checks_of_new_jobs_before_due_rechecks() {
        JobSchedule small = new JobSchedule(INTERVAL, 3, WINDOW, 3, Duration.ofMinutes(5), nanos::get);
        small.assigned(List.of(0));
        small.restored(0);
        List<String> seenJobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String job = id();
            seenJobs.add(job);
            small.apply(0, job, request(job));
        }
        small.takeDue().get(0).forEach(job -> small.checked(seen(job, "Processing")));
        advance(INTERVAL.plusSeconds(1));
        // the three seen jobs are overdue; three new job IDs arrive now: they go first
        List<String> newJobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String job = id();
            newJobs.add(job);
            small.apply(0, job, request(job));
        }
        assertEquals(java.util.Set.copyOf(newJobs), java.util.Set.copyOf(ids(small.takeDue())));
    }
}
