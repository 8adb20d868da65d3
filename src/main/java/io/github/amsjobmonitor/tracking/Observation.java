package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.events.JobError;
import java.time.Instant;
import java.util.List;

/**
 * What one check learned about a tracked job. The routes choose on {@link #state()}:
 * null with {@code found == false} means AMS does not know the job; null with {@code found == true}
 * means AMS answered with a state this version does not know. {@code progress} and {@code errors}
 * come from the job's tasks when they were read (Processing, Error).
 */
public record Observation(TrackedJob tracked, AmsJob job, JobState state, boolean found, Instant observedAt,
                          Double progress, List<JobError> errors, boolean progressEventDue) {

    public Observation(TrackedJob tracked, AmsJob job, JobState state, boolean found, Instant observedAt) {
        this(tracked, job, state, found, observedAt, null, List.of(), false);
    }

    /** The first observation of a job counts as a change; the same state seen again does not. */
    public boolean changed() {
        return state != null && !state.name().equals(tracked.lastState());
    }

    public String jobId() {
        return tracked.jobId();
    }

    /**
     * The state's name, for the routes to compare with text ({@code ${body.stateName} == 'Finished'}):
     * comparing the enum itself makes Camel look for an enum converter on every check, and the miss
     * scans its whole converter registry (a third of the check threads' CPU in a profile at 10,000 jobs).
     */
    public String stateName() {
        return state == null ? null : state.name();
    }

    /** For the log: {@code Queued -> Processing}, or {@code new -> Queued} on a job's first event. */
    public String transition() {
        return (tracked.lastState() == null ? "new" : tracked.lastState()) + " -> " + (state == null ? "?" : state.name());
    }

    /** The raw State integer AMS sent, for the log line about a state this version does not know. */
    public Integer rawState() {
        return job == null ? null : job.state();
    }

    /**
     * Only the job ID, for the reason given at TrackedJob#hashCode. Consistent with equals.
     */
    @Override
    public int hashCode() {
        return tracked == null ? 0 : tracked.hashCode();
    }
}
