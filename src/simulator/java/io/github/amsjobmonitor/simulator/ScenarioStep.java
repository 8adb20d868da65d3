package io.github.amsjobmonitor.simulator;

import java.time.Duration;
import java.util.Objects;

/** One state of a simulated job and how long it lasts (the last step of a job lasts forever). */
public record ScenarioStep(JobState state, Duration duration) {

    public ScenarioStep {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration for " + state);
        }
    }

    public static ScenarioStep of(JobState state, Duration duration) {
        return new ScenarioStep(state, duration);
    }
}
