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

    @Test
    void should_drop_a_second_chain_of_the_same_job_after_a_partition_starts() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        clock.advance(Duration.ofSeconds(3));
        assertFalse(filter.isRepeat(OTHER, 0, 41));
        assertTrue(filter.isRepeat(JOB, 0, 42), "checked 3 s ago through another chain");
    }

    @Test
    void should_keep_a_job_checked_one_interval_later() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        clock.advance(INTERVAL);
        assertFalse(filter.isRepeat(JOB, 0, 41));
        clock.advance(INTERVAL.plusMillis(5));
        assertFalse(filter.isRepeat(JOB, 0, 42));
    }

    @Test
    void should_keep_the_surviving_chain_on_its_own_schedule() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        clock.advance(Duration.ofSeconds(4));
        assertTrue(filter.isRepeat(JOB, 0, 41));
        clock.advance(Duration.ofSeconds(6));
        assertFalse(filter.isRepeat(JOB, 0, 42), "one interval after the check that survived");
    }

    @Test
    void should_forget_everything_once_the_window_after_a_start_has_passed() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        clock.advance(INTERVAL.multipliedBy(3).plusSeconds(1));
        assertFalse(filter.isRepeat(JOB, 0, 41));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(filter.isRepeat(JOB, 0, 42), "outside the window nothing is remembered");
    }

    @Test
    void should_open_a_new_window_when_a_partition_is_read_again_from_an_earlier_offset() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        clock.advance(INTERVAL.multipliedBy(4));
        assertFalse(filter.isRepeat(JOB, 0, 41));
        assertFalse(filter.isRepeat(JOB, 0, 30), "a seek back starts a new window");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(filter.isRepeat(JOB, 0, 31));
    }

    @Test
    void should_keep_partitions_apart() {
        assertFalse(filter.isRepeat(JOB, 0, 40));
        assertFalse(filter.isRepeat(OTHER, 1, 7));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(filter.isRepeat(OTHER, 1, 8));
        assertFalse(filter.isRepeat(OTHER, 0, 41));
    }
}
