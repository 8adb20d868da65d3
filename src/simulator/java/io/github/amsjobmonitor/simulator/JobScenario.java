package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.JobState.*;

import java.time.Duration;
import java.util.List;

/** The usual paths an AMS v2 job takes, each state lasting the same step duration. */
public enum JobScenario {
    FINISH(QUEUED, SCHEDULED, PROCESSING, FINISHED),
    ERROR(QUEUED, PROCESSING, JobState.ERROR),
    CANCEL(QUEUED, PROCESSING, CANCELING, CANCELED),
    /** Never ends: for jobs that must stay tracked. */
    LONG_RUNNING(QUEUED, PROCESSING);

    private final List<JobState> states;

    JobScenario(JobState... states) {
        this.states = List.of(states);
    }

    public List<JobState> states() {
        return states;
    }

    public List<ScenarioStep> steps(Duration stepDuration) {
        return states.stream().map(state -> new ScenarioStep(state, stepDuration)).toList();
    }
}
