package io.github.amsjobmonitor.observe;

import java.time.Clock;
import java.time.Instant;

/**
 * The outcome of the latest AMS requests, as {@link MonitorMetrics} sees them go by: whether AMS
 * answers. No answer at all (connection refused, timeout) and 5xx answers are failures; any other
 * answer (200, 3xx, 401, 404...) shows that AMS is there.
 */
public class AmsCalls {

    /** One failure: when, and what happened (an HTTP status or an exception's message). */
    public record Failure(Instant at, String what) {
    }

    private final Clock clock;
    private int consecutiveFailures;
    private Instant lastAnswerAt;
    private Failure lastFailure;

    public AmsCalls(Clock clock) {
        this.clock = clock;
    }

    public synchronized void answered(int status) {
        if (status >= 500) {
            failed("HTTP " + status);
            return;
        }
        consecutiveFailures = 0;
        lastAnswerAt = Instant.now(clock);
    }

    public synchronized void failed(String what) {
        consecutiveFailures++;
        lastFailure = new Failure(Instant.now(clock), what);
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** When AMS last answered without a 5xx; null before that. */
    public synchronized Instant lastAnswerAt() {
        return lastAnswerAt;
    }

    public synchronized Failure lastFailure() {
        return lastFailure;
    }
}
