package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.AmsUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task reads (for progress) are extra requests on an account that AMS throttles; state checks
 * matter more. When a task read is throttled (429, or 503 "Server is busy"), task reads pause for a
 * while (the server's {@code Retry-After} when given, else one progress heartbeat) and the checks
 * go on without progress.
 */
public class ProgressReads {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.amsjobmonitor.check");

    private final Duration pause;
    private final Clock clock;
    private volatile Instant pausedUntil = Instant.MIN;

    public ProgressReads(Duration pause, Clock clock) {
        this.pause = pause;
        this.clock = clock;
    }

    public boolean isPaused() {
        return clock.instant().isBefore(pausedUntil);
    }

    /** Called with the failure of a task read; pauses task reads if it was throttling. */
    public void failed(Exception failure) {
        if (failure instanceof AmsUnavailableException ams && ams.isThrottling()) {
            pauseFor(ams.getRetryAfter());
        } else if (failure instanceof HttpOperationFailedException http
                && (http.getStatusCode() == 429 || http.getStatusCode() == 503)) {
            pauseFor(http.getResponseHeaders() == null ? null : http.getResponseHeaders().get("Retry-After"));
        }
    }

    private void pauseFor(String retryAfter) {
        Duration wait = pause;
        if (retryAfter != null && retryAfter.matches("\\d{1,5}")) {
            wait = Duration.ofSeconds(Long.parseLong(retryAfter));
        }
        pausedUntil = clock.instant().plus(wait);
        LOG.warn("AMS throttles task reads: no progress reads for {} s, state checks go on", wait.toSeconds());
    }
}
