package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.ams.JobsPage;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.intake.JobRequest;
import io.github.amsjobmonitor.intake.RejectedInputException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what a check means for a tracked job and when the next one is due. The schedule itself
 * is kept in Kafka (the checks topic), so this class holds no per-job state.
 */
public class JobTracker {

    public static final String INVALID_TRACKING_RECORD = "INVALID_TRACKING_RECORD";

    private final ObjectMapper json = new ObjectMapper();
    private final Duration pollInterval;
    private final Duration maxTrackingDuration;
    private final Clock clock;

    public JobTracker(Duration pollInterval, Duration maxTrackingDuration, Clock clock) {
        this.pollInterval = pollInterval;
        this.maxTrackingDuration = maxTrackingDuration;
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
        return new TrackedJob(request.jobId(), null, null, request.correlationData(), now, now, 0, input);
    }

    /** Reads a record of the checks topic; one that is not a tracking record goes to the dead-letter topic. */
    public TrackedJob read(byte[] record) {
        try {
            TrackedJob job = json.readValue(record, TrackedJob.class);
            if (job.jobId() == null || job.dueAt() == null) {
                throw new RejectedInputException(INVALID_TRACKING_RECORD, "The checks record has no jobId or dueAt.");
            }
            job.due();
            return job;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RejectedInputException rejected) {
                throw rejected;
            }
            throw new RejectedInputException(INVALID_TRACKING_RECORD, "The checks record is not a tracking record written by this monitor.");
        }
    }

    /** Reads the AMS answer for one tracked job. */
    public Observation observe(TrackedJob tracked, JobsPage page) {
        Instant now = clock.instant();
        Optional<AmsJob> job = page.value().stream().filter(j -> tracked.jobId().equalsIgnoreCase(j.id())).findFirst();
        if (job.isEmpty()) {
            return new Observation(tracked, null, null, false, now);
        }
        JobState state = JobState.fromCode(job.get().state()).orElse(null);
        return new Observation(tracked, job.get(), state, true, now);
    }

    /** The record for the next check, one poll interval from now, remembering what was seen. */
    public TrackedJob nextCheck(Observation observation) {
        TrackedJob tracked = observation.tracked();
        String lastState = observation.state() != null ? observation.state().name() : tracked.lastState();
        String name = observation.job() != null ? observation.job().name() : tracked.jobName();
        return new TrackedJob(tracked.jobId(), name, lastState, tracked.correlationData(), tracked.trackedSince(),
                dueIn(pollInterval), 0, tracked.input());
    }

    /** The record for another try after a check that found no such job. */
    public TrackedJob notFoundAgain(Observation observation) {
        TrackedJob tracked = observation.tracked();
        return new TrackedJob(tracked.jobId(), tracked.jobName(), tracked.lastState(), tracked.correlationData(),
                tracked.trackedSince(), dueIn(pollInterval), tracked.notFoundAttempts() + 1, tracked.input());
    }

    /**
     * The record for another try after a check that failed (AMS or Entra ID unavailable). The wait
     * is one poll interval, so retries never overtake or hold up the regular checks on the topic.
     */
    public TrackedJob retryLater(TrackedJob tracked) {
        return new TrackedJob(tracked.jobId(), tracked.jobName(), tracked.lastState(), tracked.correlationData(),
                tracked.trackedSince(), dueIn(pollInterval), tracked.notFoundAttempts(), tracked.input());
    }

    private String dueIn(Duration wait) {
        return clock.instant().plus(wait).toString();
    }
}
