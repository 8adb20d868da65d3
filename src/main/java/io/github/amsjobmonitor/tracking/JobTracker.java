package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.ams.TasksPage;
import io.github.amsjobmonitor.events.JobError;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.intake.JobRequest;
import io.github.amsjobmonitor.intake.RejectedInputException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Decides what a check means for a tracked job and when the next one is due. The schedule itself
 * is kept in Kafka (the checks topic), so this class holds no per-job state.
 */
public class JobTracker {

    public static final String INVALID_TRACKING_RECORD = "INVALID_TRACKING_RECORD";

    private final ObjectMapper json = new ObjectMapper();
    private final Duration pollInterval;
    private final Duration maxTrackingDuration;
    private final ProgressPolicy progressPolicy;
    private final Clock clock;

    public JobTracker(Duration pollInterval, Duration maxTrackingDuration, ProgressPolicy progressPolicy, Clock clock) {
        this.pollInterval = pollInterval;
        this.maxTrackingDuration = maxTrackingDuration;
        this.progressPolicy = progressPolicy;
        this.clock = clock;
    }

    /** A job still not final after {@code monitor.tracking.max-duration} is no longer checked. */
    public boolean isExpired(TrackedJob tracked) {
        return Instant.parse(tracked.trackedSince()).plus(maxTrackingDuration).isBefore(clock.instant());
    }

    /** The dead-letter reason for a job whose tracking expired. */
    public String expiryReason(TrackedJob tracked) {
        return "Job " + tracked.jobId() + " was still " + (tracked.lastState() == null ? "unseen" : tracked.lastState())
                + " after " + maxTrackingDuration + " of tracking (since " + tracked.trackedSince() + "); it is no longer checked.";
    }

    /** A newly requested job, due for its first check now. */
    public TrackedJob startTracking(JobRequest request, String input) {
        String now = clock.instant().toString();
        return TrackedJob.start(request.jobId(), request.correlationData(), now, input);
    }

    /** Reads a record of the checks topic; one that is not a tracking record goes to the dead-letter topic. */
    public TrackedJob read(byte[] record) {
        TrackedJob job;
        try {
            job = json.readValue(record, TrackedJob.class);
            if (job.jobId() != null && job.dueAt() != null) {
                job.due();
                return job;
            }
        } catch (IOException | DateTimeParseException e) {
            throw new RejectedInputException(INVALID_TRACKING_RECORD, "The checks record is not a tracking record written by this monitor.");
        }
        throw new RejectedInputException(INVALID_TRACKING_RECORD, "The checks record has no jobId or dueAt.");
    }

    /** Reads the AMS answer for one tracked job. */
    public Observation observe(TrackedJob tracked, JobsPage page) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<AmsJob> job = page.value().stream().filter(j -> tracked.jobId().equalsIgnoreCase(j.id())).findFirst();
        if (job.isEmpty()) {
            return new Observation(tracked, null, null, false, now);
        }
        JobState state = JobState.fromCode(job.get().state()).orElse(null);
        return new Observation(tracked, job.get(), state, true, now);
    }

    /**
     * Adds what the job's tasks tell: progress (the mean of the tasks', never below what was last
     * published) and whether a progress event is due; for a job in Error, the tasks' error details.
     */
    public Observation withTasks(Observation observation, TasksPage tasks) {
        List<JobError> errors = tasks.value().stream()
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
        Instant lastAt = tracked.lastProgressAt() == null ? null : Instant.parse(tracked.lastProgressAt());
        boolean due = progressPolicy.isEventDue(tracked.lastProgress(), lastAt, progress, observation.observedAt());
        return new Observation(tracked, observation.job(), observation.state(), observation.found(), observation.observedAt(),
                progress, errors, due);
    }

    /** The record for the next check, one poll interval from now, remembering what was seen. */
    public TrackedJob nextCheck(Observation observation) {
        TrackedJob tracked = observation.tracked();
        String lastState = observation.state() != null ? observation.state().name() : tracked.lastState();
        String name = observation.job() != null ? observation.job().name() : tracked.jobName();
        TrackedJob next = tracked.seen(name, lastState).dueAt(dueIn(pollInterval));
        return observation.progressEventDue()
                ? next.progressPublished(observation.progress(), observation.observedAt().toString())
                : next;
    }

    /** The record for another try after a check that found no such job. */
    public TrackedJob notFoundAgain(Observation observation) {
        return observation.tracked().notFoundOnceMore().dueAt(dueIn(pollInterval));
    }

    /** The record for another try after a check whose answer could not be read, counting it. */
    public TrackedJob invalidAnswerAgain(TrackedJob tracked) {
        return tracked.invalidAnswerOnceMore().dueAt(dueIn(pollInterval));
    }

    /**
     * The record for another try after a check that failed (AMS or Entra ID unavailable). The wait
     * is one poll interval, so retries never overtake or hold up the regular checks on the topic.
     */
    public TrackedJob retryLater(TrackedJob tracked) {
        return tracked.dueAt(dueIn(pollInterval));
    }

    private String dueIn(Duration wait) {
        return clock.instant().plus(wait).toString();
    }
}
