package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsPausedException;
import io.github.amsjobmonitor.ams.AmsUnavailableException;
import io.github.amsjobmonitor.simulator.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

class ProgressReadsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T14:00:00Z"));
    private final ProgressReads reads = new ProgressReads(Duration.ofSeconds(30), clock);

    private static HttpOperationFailedException status(int code, Map<String, String> headers) {
        return new HttpOperationFailedException("http://ams/api/Jobs('x')/Tasks", code, "busy", null, headers, "");
    }

    @Test
    void should_pause_task_reads_for_one_heartbeat_when_ams_is_busy() {
        assertFalse(reads.isPaused());
        reads.failed(status(503, Map.of()));
        assertTrue(reads.isPaused());
        clock.advance(Duration.ofSeconds(29));
        assertTrue(reads.isPaused());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(reads.isPaused());
    }

    @Test
    void should_honour_retry_after_when_throttled() {
        reads.failed(status(429, Map.of("Retry-After", "7")));
        clock.advance(Duration.ofSeconds(6));
        assertTrue(reads.isPaused());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(reads.isPaused());
    }

    @Test
    void should_pause_task_reads_when_an_ams_call_was_throttled_or_told_to_wait() {
        reads.failed(new AmsUnavailableException("AMS answered HTTP 503 to GET Jobs('x')/Tasks", 503, "7"));
        clock.advance(Duration.ofSeconds(6));
        assertTrue(reads.isPaused());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(reads.isPaused());
        reads.failed(new AmsPausedException("AMS asked to wait"));
        assertTrue(reads.isPaused());
        clock.advance(Duration.ofSeconds(30));
        reads.failed(new AmsUnavailableException("AMS answered HTTP 500 to GET Jobs('x')/Tasks", 500, null));
        assertFalse(reads.isPaused());
    }

    @Test
    void should_not_pause_for_failures_that_are_not_throttling() {
        reads.failed(status(500, Map.of()));
        reads.failed(status(404, Map.of()));
        reads.failed(new IOException("connection refused"));
        assertFalse(reads.isPaused());
    }
}
