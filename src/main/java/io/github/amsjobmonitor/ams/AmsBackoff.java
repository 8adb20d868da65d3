package io.github.amsjobmonitor.ams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backoff shared by every AMS call. When AMS throttles (429, or 503 "Server is busy") the whole
 * account is throttled, not one job, so every caller waits, not only the one that was told. As the
 * Azure SDKs do, the pause is the server's {@code Retry-After} when it sends one, and an exponential
 * backoff with jitter over the throttled answers in a row only when it does not. Each call waits here
 * before it is sent, at most {@code maxWait}; a longer pause fails the call at once
 * ({@link AmsPausedException}) and its jobs are checked again at their next interval.
 *
 * <p>Camel's redelivery cannot share a pause between exchanges and knows nothing of
 * {@code Retry-After}, hence this small class.
 */
public class AmsBackoff {

    private static final Logger LOG = LoggerFactory.getLogger(AmsBackoff.class);

    private final Duration initial;
    private final Duration max;
    private final Duration maxWait;
    private final Clock clock;
    private final DoubleSupplier random;
    private final AtomicInteger throttledInARow = new AtomicInteger();
    private volatile Instant pausedUntil = Instant.MIN;

    public AmsBackoff(Duration initial, Duration max, Duration maxWait, Clock clock) {
        this(initial, max, maxWait, clock, () -> ThreadLocalRandom.current().nextDouble());
    }

    AmsBackoff(Duration initial, Duration max, Duration maxWait, Clock clock, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.maxWait = maxWait;
        this.clock = clock;
        this.random = random;
    }

    /**
     * The pause after the {@code inARow}-th throttled answer in a row: "equal jitter", a random
     * point in the upper half of {@code min(max, initial * 2^(inARow-1))}, so that callers told at
     * the same moment do not all come back at the same moment. When the server said how long
     * ({@code retryAfter}), that is the pause.
     * @param random a number in [0, 1)
     */
    static Duration pauseAfter(int inARow, Duration retryAfter, Duration initial, Duration max, double random) {
        if (retryAfter != null) {
            return retryAfter;
        }
        long ceiling = initial.toMillis() << Math.min(Math.max(inARow - 1, 0), 20);
        long exponential = Math.min(max.toMillis(), ceiling);
        long jittered = exponential / 2 + Math.round(exponential / 2.0 * random);
        return Duration.ofMillis(jittered);
    }

    /** {@code Retry-After} as seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        if (text.matches("\\d{1,7}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Duration until = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** AMS answered {@code status} (429 or 503): every call pauses. */
    public void throttled(int status, String retryAfterHeader) {
        Instant now = clock.instant();
        Duration retryAfter = retryAfter(retryAfterHeader, now);
        int inARow = throttledInARow.incrementAndGet();
        Duration pause = pauseAfter(inARow, retryAfter, initial, max, random.getAsDouble());
        Instant until = now.plus(pause);
        boolean wasPaused;
        synchronized (this) {
            wasPaused = pausedUntil.isAfter(now);
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
        }
        if (!wasPaused) {
            LOG.warn("AMS is throttling (HTTP {}{}): every AMS call waits {} ms ({} throttled answers in a row)", status,
                    retryAfter == null ? "" : ", Retry-After " + retryAfterHeader.trim(), pause.toMillis(), inARow);
        }
    }

    /** AMS answered without throttling: the next throttled answer starts the backoff from the beginning. */
    public void answered() {
        throttledInARow.set(0);
    }

    /** Waits out the shared pause, if any, before a request is sent. */
    public void awaitTurn() throws InterruptedException {
        Duration left = Duration.between(clock.instant(), pausedUntil);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        if (left.compareTo(maxWait) > 0) {
            throw new AmsPausedException("AMS asked to wait " + left.toMillis() + " ms more, longer than a call waits ("
                    + maxWait.toMillis() + " ms)");
        }
        Thread.sleep(left.toMillis());
    }

    /** When the current pause ends (for tests and metrics). */
    public Instant pausedUntil() {
        return pausedUntil;
    }
}
