package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DuplicateCheckFilterTest {

    private static final String JOB = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final String OTHER = "nb:jid:UUID:9f1e2d3c-4b5a-4968-8776-655443322110";
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T14:00:00Z"));
    private final DuplicateCheckFilter filter = new DuplicateCheckFilter(INTERVAL, clock);

    private long now() {
        return clock.instant().toEpochMilli();
    }

    /** A due check as the check route makes it: stale, or checked (outcome written) from now. */
    private boolean check(String job, int partition, long offset, long writtenAt) {
        Instant started = clock.instant();
        boolean stale = filter.isStaleCheck(job, partition, offset, writtenAt, Instant.ofEpochMilli(writtenAt).plus(INTERVAL));
        if (!stale) {
            filter.checked(job, started);
        }
        return stale;
    }

    private boolean request(String job, int partition, long offset, long writtenAt) {
        Instant started = clock.instant();
        boolean stale = filter.isStaleRequest(job, partition, offset, writtenAt);
        if (!stale) {
            filter.checked(job, started);
        }
        return stale;
    }

    @Test
    void should_drop_a_check_written_before_the_jobs_latest_check() {
        long oldChain = now() - 5_000;          // written by the instance that died
        assertFalse(check(JOB, 0, 40, now() - 9_000), "the record read again: checked, writes a new chain");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(check(JOB, 0, 41, oldChain), "the old chain's record predates that check");
        assertFalse(check(OTHER, 0, 42, oldChain), "another job is untouched");
    }

    @Test
    void should_keep_a_chain_whose_record_was_written_after_the_last_check() {
        assertFalse(check(JOB, 0, 40, now() - 10_000));
        long written = now() + 5;               // the next check, written just after this one
        clock.advance(INTERVAL);
        assertFalse(check(JOB, 0, 41, written));
        written = now() + 5;
        clock.advance(INTERVAL);
        assertFalse(check(JOB, 0, 42, written));
    }

    @Test
    void should_not_track_a_job_id_read_again_once_its_chain_was_checked_since() {
        long requested = now() - 60_000;
        assertFalse(check(JOB, 2, 7, now() - 10_000));
        assertTrue(request(JOB, 0, 3, requested));
        assertFalse(request(OTHER, 0, 4, requested), "never checked here: track it");
    }

    @Test
    void should_end_the_old_chain_when_a_job_id_read_again_is_checked_first() {
        long oldChain = now() - 3_000;
        assertFalse(request(JOB, 0, 3, now() - 60_000));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(check(JOB, 1, 9, oldChain));
    }

    @Test
    void should_not_take_a_record_read_again_after_a_failed_write_for_a_duplicate() {
        long requested = now() - 1_000;
        assertFalse(filter.isStaleRequest(JOB, 0, 3, requested), "first attempt; its tracking record is refused");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(filter.isStaleRequest(JOB, 0, 3, requested), "read again after the seek back: still to be tracked");
    }

    @Test
    void should_keep_a_next_check_written_in_the_same_millisecond_as_its_check_started() {
        clock.set(Instant.parse("2026-11-26T14:00:00.123456Z"));
        Instant started = filter.now();
        assertFalse(filter.isStaleCheck(JOB, 0, 40, now() - 10_000, clock.instant()));
        filter.checked(JOB, started);
        long nextWrittenAt = Instant.parse("2026-11-26T14:00:00.123900Z").toEpochMilli();
        clock.advance(INTERVAL);
        assertFalse(check(JOB, 0, 41, nextWrittenAt), "Kafka keeps milliseconds only");
    }

    @Test
    void should_remember_nothing_once_the_window_has_passed_and_consumers_are_on_time() {
        assertFalse(check(JOB, 0, 40, now() - 10_000));
        clock.advance(Duration.ofMinutes(2));
        long onTime = now() - 10_000;
        assertFalse(check(OTHER, 0, 41, onTime));
        assertFalse(check(JOB, 0, 42, onTime - 200_000), "outside a window nothing is dropped");
    }

    @Test
    void should_keep_the_window_open_while_consumers_work_through_a_backlog() {
        assertFalse(check(JOB, 0, 40, now() - 10_000));
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofSeconds(50));
            String backlogJob = "nb:jid:UUID:9f1e2d3c-4b5a-4968-8776-65544332211" + i;
            assertFalse(check(backlogJob, 0, 40 + i, now() - 200_000), "overdue by minutes: a backlog");
        }
        clock.advance(Duration.ofSeconds(1));
        assertTrue(check(JOB, 0, 46, now() - 300_000), "still filtered 4 minutes after the start");
    }

    @Test
    void should_open_a_window_when_a_partition_is_read_again_from_an_earlier_offset() {
        assertFalse(check(JOB, 0, 40, now() - 10_000));
        clock.advance(Duration.ofMinutes(5));
        assertFalse(check(JOB, 0, 41, now() - 10_000));
        long stale = now() - 5_000;
        assertFalse(check(JOB, 0, 30, now() - 9_000), "a seek back opens a window");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(check(JOB, 0, 31, stale));
    }
}
