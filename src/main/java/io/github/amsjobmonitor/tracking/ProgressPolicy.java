package io.github.amsjobmonitor.tracking;

import java.time.Duration;
import java.time.Instant;

/**
 * When a progress event is worth sending, as AMS v3 did for {@code JobOutputProgress}: when
 * progress rose by at least {@code step} points since the last event, or, while the job is
 * processing, when {@code heartbeat} has passed since it (so a stalled job still says it is alive).
 */
public record ProgressPolicy(double step, Duration heartbeat) {

    public boolean isEventDue(Double lastProgress, Instant lastAt, double progress, Instant now) {
        if (lastProgress == null || lastAt == null) {
            return true;
        }
        return progress - lastProgress >= step || !Duration.between(lastAt, now).minus(heartbeat).isNegative();
    }
}
