package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AmsBackoffTest {

    private static final Duration INITIAL = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void should_double_the_pause_with_each_throttled_answer_in_a_row_up_to_the_maximum() {
        assertEquals(Duration.ofMillis(1000), AmsBackoff.pauseAfter(1, null, INITIAL, MAX, 0.999999));
        assertEquals(Duration.ofMillis(2000), AmsBackoff.pauseAfter(2, null, INITIAL, MAX, 0.999999));
        assertEquals(Duration.ofMillis(4000), AmsBackoff.pauseAfter(3, null, INITIAL, MAX, 0.999999));
        assertEquals(Duration.ofMillis(30000), AmsBackoff.pauseAfter(6, null, INITIAL, MAX, 0.999999));
        assertEquals(Duration.ofMillis(30000), AmsBackoff.pauseAfter(500, null, INITIAL, MAX, 0.999999));
    }

    @Test
    void should_jitter_within_the_upper_half_of_the_exponential_pause() {
        assertEquals(Duration.ofMillis(2000), AmsBackoff.pauseAfter(3, null, INITIAL, MAX, 0.0));
        assertEquals(Duration.ofMillis(3000), AmsBackoff.pauseAfter(3, null, INITIAL, MAX, 0.5));
        for (double random = 0; random < 1; random += 0.01) {
            long millis = AmsBackoff.pauseAfter(4, null, INITIAL, MAX, random).toMillis();
            assertTrue(millis >= 4000 && millis <= 8000, millis + " ms");
        }
    }

    @Test
    void should_pause_exactly_as_long_as_retry_after_says_whatever_the_backoff() {
        assertEquals(Duration.ofSeconds(7), AmsBackoff.pauseAfter(1, Duration.ofSeconds(7), INITIAL, MAX, 0.5));
        assertEquals(Duration.ofSeconds(120), AmsBackoff.pauseAfter(1, Duration.ofSeconds(120), INITIAL, MAX, 0.5));
        // the Azure SDKs' convention: a given Retry-After is the pause, shorter than the backoff or not
        assertEquals(Duration.ofSeconds(1), AmsBackoff.pauseAfter(3, Duration.ofSeconds(1), INITIAL, MAX, 0.5));
        assertEquals(Duration.ZERO, AmsBackoff.pauseAfter(6, Duration.ZERO, INITIAL, MAX, 0.999));
    }

    @Test
    void should_read_retry_after_as_seconds_or_http_date() {
        assertEquals(Duration.ofSeconds(5), AmsBackoff.retryAfter("5", NOW));
        assertEquals(Duration.ofSeconds(90), AmsBackoff.retryAfter("Thu, 01 Jan 2026 10:01:30 GMT", NOW));
        assertEquals(Duration.ZERO, AmsBackoff.retryAfter("Thu, 01 Jan 2026 09:00:00 GMT", NOW));
        assertNull(AmsBackoff.retryAfter(null, NOW));
        assertNull(AmsBackoff.retryAfter("soon", NOW));
    }

    @Test
    void should_make_every_call_wait_after_a_throttled_answer_and_fail_at_once_past_the_longest_wait() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        AmsBackoff backoff = new AmsBackoff(INITIAL, MAX, Duration.ofSeconds(10), clock, () -> 0.5);
        backoff.awaitTurn(); // no pause yet: returns at once
        backoff.throttled(503, "60");
        assertEquals(NOW.plusSeconds(60), backoff.pausedUntil());
        assertThrows(AmsPausedException.class, backoff::awaitTurn);
    }

    @Test
    void should_start_over_after_an_answer_that_was_not_throttled() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        AmsBackoff backoff = new AmsBackoff(INITIAL, MAX, Duration.ofSeconds(10), clock, () -> 0.0);
        backoff.throttled(429, null);
        backoff.throttled(429, null);
        assertEquals(NOW.plusMillis(1000), backoff.pausedUntil());
        backoff.answered();
        AmsBackoff fresh = new AmsBackoff(INITIAL, MAX, Duration.ofSeconds(10), clock, () -> 0.0);
        fresh.throttled(429, null);
        assertEquals(NOW.plusMillis(500), fresh.pausedUntil());
    }
}
