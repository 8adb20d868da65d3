package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.JobState;
import java.util.List;
import java.util.Objects;

/**
 * Ends, in one step per batch, the checks that found nothing new, which are nearly all of them:
 * each such job is due again one interval from now and its check is counted, without an exchange
 * of its own. Only the other jobs go on to the check-job route.
 * <p>
 * When a Tasks read is due: at every check of a Processing job while progress is on and task reads
 * are not paused (AMS throttled them, {@link ProgressReads}). The contract promises a progress event
 * once progress rose by {@code monitor.progress.step} points, and only a Tasks read can tell a rise,
 * so reading less often would delay those events. Such a job goes on to check-job, where its Tasks
 * read (an HTTP request of its own) costs far more than its exchange. Queued, Scheduled and
 * Canceling jobs have no progress to read, and with progress off or paused a Processing job is
 * settled here like them.
 */
public class UnchangedChecks {

    private final JobSchedule schedule;
    private final boolean progressEnabled;
    private final ProgressReads progressReads;

    public UnchangedChecks(JobSchedule schedule, boolean progressEnabled, ProgressReads progressReads) {
        this.schedule = schedule;
        this.progressEnabled = progressEnabled;
        this.progressReads = progressReads;
    }

    /** Settles the batch's checks that found nothing new; returns the others, in order, for check-job. */
    public List<Observation> settle(List<Observation> observations) {
        return schedule.settle(observations, this::isUnchanged);
    }

    /**
     * Whether a check found nothing new, so that nothing is published or written and the job is only
     * due again: AMS answered with the same, known, not final state as last published; the job is no
     * longer a bare request (its first check writes its record); no miss or unreadable answer is
     * counted (this check would reset the count); its name is as remembered; no request for it came
     * in since its record was written ({@code rewritePending}); and no Tasks read is due (without one
     * no progress event can be due either). Expired jobs never get here: check-batch dead-letters
     * them before the request.
     */
    public boolean isUnchanged(Observation observation, boolean rewritePending) {
        TrackedJob tracked = observation.tracked();
        JobState state = observation.state();
        return observation.found() && state != null && !state.isFinal()
                && state.name().equals(tracked.lastState())
                && !tracked.isRequest()
                && tracked.notFoundAttempts() == 0 && tracked.invalidAnswers() == 0
                && Objects.equals(observation.job().name(), tracked.jobName())
                && !rewritePending
                && !isTasksReadDue(state);
    }

    private boolean isTasksReadDue(JobState state) {
        return progressEnabled && state == JobState.Processing && !progressReads.isPaused();
    }
}
