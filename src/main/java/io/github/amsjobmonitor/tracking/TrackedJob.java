package io.github.amsjobmonitor.tracking;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A job being tracked, as it travels on the internal checks topic between two checks. Everything
 * the next check needs lives here, not in the heap: the last state seen (to tell a change),
 * the correlation data to echo, when the next check is due, and the producer's original record
 * (for the dead-letter topic, should the job never be found).
 *
 * @param jobId            the AMS job ID (also the record key)
 * @param jobName          the job's name as last seen, null before the first answer
 * @param lastState        the state last published, null before the first observation
 * @param correlationData  the producer's correlation data
 * @param trackedSince     when the job ID was taken in (ISO-8601)
 * @param dueAt            when the next check is due (ISO-8601)
 * @param notFoundAttempts how many checks in a row found no such job
 * @param input            the producer's original record, as text
 * @param lastProgress     the progress (0..100) last published on the progress topic, null before
 * @param lastProgressAt   when it was published (ISO-8601), null before
 * @param invalidAnswers   how many checks in a row got an answer that could not be read
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackedJob(
        String jobId,
        String jobName,
        String lastState,
        Map<String, String> correlationData,
        String trackedSince,
        String dueAt,
        int notFoundAttempts,
        String input,
        Double lastProgress,
        String lastProgressAt,
        int invalidAnswers) {

    public TrackedJob {
        correlationData = correlationData == null ? Map.of() : Map.copyOf(correlationData);
    }

    /** A job with no unreadable answers so far. */
    public TrackedJob(String jobId, String jobName, String lastState, Map<String, String> correlationData,
                      String trackedSince, String dueAt, int notFoundAttempts, String input, Double lastProgress,
                      String lastProgressAt) {
        this(jobId, jobName, lastState, correlationData, trackedSince, dueAt, notFoundAttempts, input, lastProgress,
                lastProgressAt, 0);
    }

    /** A newly requested job: nothing seen yet, due now. */
    public static TrackedJob start(String jobId, Map<String, String> correlationData, String now, String input) {
        return new TrackedJob(jobId, null, null, correlationData, now, now, 0, input, null, null, 0);
    }

    /** The same job with its next check due at {@code dueAt}. */
    public TrackedJob dueAt(String newDueAt) {
        return new TrackedJob(jobId, jobName, lastState, correlationData, trackedSince, newDueAt, notFoundAttempts, input,
                lastProgress, lastProgressAt, invalidAnswers);
    }

    /** The same job after a check that saw it: name and state as seen, not-found and invalid-answer counts reset. */
    public TrackedJob seen(String name, String state) {
        return new TrackedJob(jobId, name, state, correlationData, trackedSince, dueAt, 0, input, lastProgress, lastProgressAt, 0);
    }

    /** The same job after a check whose (readable) answer did not hold it. */
    public TrackedJob notFoundOnceMore() {
        return new TrackedJob(jobId, jobName, lastState, correlationData, trackedSince, dueAt, notFoundAttempts + 1, input,
                lastProgress, lastProgressAt, 0);
    }

    public TrackedJob progressPublished(double progress, String at) {
        return new TrackedJob(jobId, jobName, lastState, correlationData, trackedSince, dueAt, notFoundAttempts, input,
                progress, at, invalidAnswers);
    }

    /** The same job after a check whose answer could not be read. */
    public TrackedJob invalidAnswerOnceMore() {
        return new TrackedJob(jobId, jobName, lastState, correlationData, trackedSince, dueAt, notFoundAttempts, input,
                lastProgress, lastProgressAt, invalidAnswers + 1);
    }

    public Instant due() {
        return Instant.parse(dueAt);
    }

    /**
     * Only the job ID: Camel keys its bean-info cache by the object a route calls a method on
     * ({@code ${body.state}}), so every such call hashed the whole record, the producer's input
     * included (a third of the check threads' CPU in a profile at 10,000 jobs, docs/benchmarks.md).
     * Consistent with the record's equals: equal records have equal job IDs.
     */
    @Override
    public int hashCode() {
        return Objects.hashCode(jobId);
    }
}
