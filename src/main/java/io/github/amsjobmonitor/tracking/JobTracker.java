package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.ams.TasksPage;
import io.github.amsjobmonitor.events.JobError;
import io.github.amsjobmonitor.ams.AmsAnswerInvalidException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Decides what a check means for a tracked job. It holds no per-job state: what is remembered of a
 * job lives in {@link JobSchedule} and on the tracking topic.
 */
public class JobTracker {

    private final Duration maxTrackingDuration;
    private final ProgressPolicy progressPolicy;
    private final Clock clock;

    public JobTracker(Duration maxTrackingDuration, ProgressPolicy progressPolicy, Clock clock) {
        this.maxTrackingDuration = maxTrackingDuration;
        this.progressPolicy = progressPolicy;
        this.clock = clock;
    }

    /** A job still not final after {@code monitor.tracking.max-duration} is no longer checked. */
    public boolean isExpired(TrackedJob tracked) {
        return tracked.trackedSince().plus(maxTrackingDuration).isBefore(clock.instant());
    }

    /** The jobs of a batch whose tracking expired. */
    public List<TrackedJob> expired(List<TrackedJob> batch) {
        return batch.stream().filter(this::isExpired).toList();
    }

    /** The jobs of a batch still to be checked. */
    public List<TrackedJob> unexpired(List<TrackedJob> batch) {
        return batch.stream().filter(job -> !isExpired(job)).toList();
    }

    /** The job IDs of a batch, for its Jobs() request. */
    public List<String> jobIds(List<TrackedJob> batch) {
        return batch.stream().map(TrackedJob::jobId).distinct().toList();
    }

    /** The jobs of a batch, for a log line: the first one's ID and how many more. */
    public String describe(List<TrackedJob> batch) {
        return batch.isEmpty() ? "no job" : batch.get(0).jobId() + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : "");
    }

    /** The dead-letter reason for a job whose tracking expired. */
    public String expiryReason(TrackedJob tracked) {
        return "Job " + tracked.jobId() + " was still " + (tracked.lastState() == null ? "unseen" : tracked.lastState())
                + " after " + maxTrackingDuration + " of tracking (since " + tracked.trackedSince() + "); it is no longer checked.";
    }

    /** Reads the AMS answer of a batch: one observation per job asked for, in the batch's order. */
    public List<Observation> observeAll(List<TrackedJob> batch, JobsPage page) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, AmsJob> byId = new HashMap<>(page.value().size() * 2);
        for (AmsJob job : page.value()) {
            if (job.id() != null) {
                byId.putIfAbsent(job.id().toLowerCase(Locale.ROOT), job);
            }
        }
        List<Observation> observations = new ArrayList<>(batch.size());
        for (TrackedJob tracked : batch) {
            AmsJob job = byId.get(tracked.jobId().toLowerCase(Locale.ROOT));
            if (job == null) {
                observations.add(new Observation(tracked, null, null, false, now));
            } else {
                JobState state = job.state() == null ? null : JobState.fromCode(job.state()).orElse(null);
                observations.add(new Observation(tracked, job, state, true, now));
            }
        }
        return observations;
    }

    /** Reads the AMS answer for one tracked job. */
    public Observation observe(TrackedJob tracked, JobsPage page) {
        return observeAll(List.of(tracked), page).get(0);
    }

    /** Refuses an observation whose job came without a State integer: only this job's check fails, not its batch's. */
    public Observation requireState(Observation observation) {
        if (observation.found() && observation.job().state() == null) {
            throw new AmsAnswerInvalidException("job " + observation.jobId() + " has no State integer in the answer");
        }
        return observation;
    }

    /**
     * Adds what the job's tasks tell: progress (the mean of the tasks', never below what was last
     * published) and whether a progress event is due; for a job in Error, the tasks' error details.
     */
    public Observation withTasks(Observation observation, TasksPage tasks) {
        // error details belong to the Error event only: the tasks are read after the job, and a job seen
        // Processing may have failed in between (its event must not carry errors; its Error event will)
        List<JobError> errors = observation.state() != JobState.Error ? List.of() : tasks.value().stream()
                .flatMap(task -> task.errorDetails().stream().map(e -> new JobError(e.code(), e.message(), task.name())))
                .toList();
        OptionalDouble mean = tasks.meanProgress();
        if (observation.state() != JobState.Processing || mean.isEmpty()) {
            return new Observation(observation.tracked(), observation.job(), observation.state(), observation.found(),
                    observation.observedAt(), null, errors, false);
        }
        TrackedJob tracked = observation.tracked();
        double seen = Math.round(mean.getAsDouble() * 100) / 100.0;
        double progress = tracked.lastProgress() == null ? seen : Math.max(seen, tracked.lastProgress());
        boolean due = progressPolicy.isEventDue(tracked.lastProgress(), tracked.lastProgressAt(), progress, observation.observedAt());
        return new Observation(tracked, observation.job(), observation.state(), observation.found(), observation.observedAt(),
                progress, errors, due);
    }

    /** What is remembered of the job after a check that saw it (its state, name, progress published). */
    public TrackedJob nextCheck(Observation observation) {
        TrackedJob tracked = observation.tracked();
        String lastState = observation.state() != null ? observation.state().name() : tracked.lastState();
        String name = observation.job() != null ? observation.job().name() : tracked.jobName();
        Instant stateAt = observation.changed() ? observation.observedAt() : tracked.lastStateAt();
        TrackedJob next = tracked.seen(name, lastState, stateAt);
        return observation.progressEventDue()
                ? next.progressPublished(observation.progress(), observation.observedAt())
                : next;
    }

    /** What is remembered after a check that found no such job: one more miss. */
    public TrackedJob notFoundAgain(Observation observation) {
        return observation.tracked().notFoundOnceMore();
    }

    /** What is remembered after a check whose answer could not be read: one more such answer. */
    public TrackedJob invalidAnswerAgain(TrackedJob tracked) {
        return tracked.invalidAnswerOnceMore();
    }
}
