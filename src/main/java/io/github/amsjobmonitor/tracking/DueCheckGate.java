package io.github.amsjobmonitor.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Holds a check back until it is due. The checks topic is written in due order within each
 * partition (every record waits the same poll interval) and each partition has its own consumer
 * thread, so waiting for the head record delays nothing that is due earlier. A wait never exceeds
 * the poll interval, which the configuration keeps well under Kafka's {@code max.poll.interval.ms}.
 */
public class DueCheckGate {

    private final Clock clock;
    private final Duration longestWait;

    public DueCheckGate(Clock clock, Duration longestWait) {
        this.clock = clock;
        this.longestWait = longestWait;
    }

    public void awaitDue(TrackedJob job) throws InterruptedException {
        Instant due = job.due();
        Duration wait = Duration.between(clock.instant(), due);
        if (wait.compareTo(longestWait) > 0) {
            // a due time beyond one interval was written by a clock that ran ahead; do not park for it
            wait = longestWait;
        }
        if (!wait.isNegative() && !wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
    }
}
