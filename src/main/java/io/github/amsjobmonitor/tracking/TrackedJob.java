package io.github.amsjobmonitor.tracking;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the monitor remembers of one tracked job: the value of its record on the compacted tracking
 * topic (keyed by job ID) and of its entry in the in-memory {@link JobSchedule}. It is written only
 * when something worth remembering changes (state, name, progress published, a failed check counted),
 * never for a check that saw nothing new. Its times are instants, parsed once when the record is read
 * ({@link TrackingRecords}), never again by a check.
 *
 * @param jobId            the AMS job ID (also the record key)
 * @param jobName          the job's name as last seen, null before the first answer
 * @param lastState        the state last published, null before the first observation
 * @param lastStateAt      when that state was first observed (ISO-8601 on the topic), null before
 * @param correlationData  the producer's correlation data
 * @param trackedSince     when the job ID was taken in (ISO-8601 on the topic)
 * @param notFoundAttempts how many checks in a row found no such job
 * @param input            the producer's original record, as text: written by versions before the capacity
 *                         work only (this one keeps only what events need and rebuilds the request for
 *                         the dead-letter topic: {@link #originalRecord()})
 * @param lastProgress     the progress (0..100) last published on the progress topic, null before
 * @param lastProgressAt   when it was published (ISO-8601 on the topic), null before
 * @param invalidAnswers   how many checks in a row got an answer that could not be read
 * @param origin           {@link #FROM_INTAKE} for a job ID just taken in (a request to track it),
 *                         {@link #FROM_CHECK} for what a check learned
 * @param writer           the instance that wrote the record (it skips its own records when it reads them back)
 * @param traceparent      the producer's W3C trace context (checked at intake), carried on the job's events; null without
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackedJob(
        String jobId,
        String jobName,
        String lastState,
        Instant lastStateAt,
        Map<String, String> correlationData,
        Instant trackedSince,
        int notFoundAttempts,
        String input,
        Double lastProgress,
        Instant lastProgressAt,
        int invalidAnswers,
        String origin,
        String writer,
        String traceparent) {

    public static final String FROM_INTAKE = "intake";
    public static final String FROM_CHECK = "check";

    public TrackedJob {
        correlationData = correlationData == null || correlationData.isEmpty() ? Map.of() : Map.copyOf(correlationData);
    }

    /** A job without a producer's trace context. */
    public TrackedJob(String jobId, String jobName, String lastState, Instant lastStateAt, Map<String, String> correlationData,
                      Instant trackedSince, int notFoundAttempts, String input, Double lastProgress, Instant lastProgressAt,
                      int invalidAnswers, String origin, String writer) {
        this(jobId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts, input, lastProgress,
                lastProgressAt, invalidAnswers, origin, writer, null);
    }

    /** A newly requested job: nothing seen yet. */
    public static TrackedJob requested(String jobId, Map<String, String> correlationData, Instant now, String input) {
        return requested(jobId, correlationData, now, input, null);
    }

    /** A newly requested job that came with the producer's (checked) trace context. */
    public static TrackedJob requested(String jobId, Map<String, String> correlationData, Instant now, String input,
                                       String traceparent) {
        return new TrackedJob(jobId, null, null, null, correlationData, now, 0, input, null, null, 0, FROM_INTAKE, null,
                traceparent);
    }

    /** A request to track the job, as intake writes it; the job's owner keeps what it knows already. */
    public boolean isRequest() {
        return FROM_INTAKE.equals(origin);
    }

    /**
     * The request for the dead-letter topic, rebuilt from what is kept: the bare job ID, or
     * {@code {"jobId":...,"correlationData":{...}}}. A record of an older version still has the
     * producer's text, which wins. Not kept as it came: a job's memory is bounded by what events need.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String originalRecord() {
        if (input != null) {
            return input;
        }
        if (correlationData.isEmpty()) {
            return jobId;
        }
        try {
            Map<String, Object> request = new java.util.LinkedHashMap<>();
            request.put("jobId", jobId);
            request.put("correlationData", new java.util.TreeMap<>(correlationData));
            return REQUEST_JSON.writeValueAsString(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("strings are always JSON", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper REQUEST_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The same job after a check that saw it: name and state as seen, not-found and invalid-answer counts reset. */
    public TrackedJob seen(String name, String state, Instant stateAt) {
        return new TrackedJob(jobId, name, state, stateAt, correlationData, trackedSince, 0, input, lastProgress,
                lastProgressAt, 0, FROM_CHECK, writer, traceparent);
    }

    /** The same job after a check whose (readable) answer did not hold it. */
    public TrackedJob notFoundOnceMore() {
        return new TrackedJob(jobId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts + 1,
                input, lastProgress, lastProgressAt, 0, FROM_CHECK, writer, traceparent);
    }

    /** The same job after a check whose answer could not be read. */
    public TrackedJob invalidAnswerOnceMore() {
        return new TrackedJob(jobId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts, input,
                lastProgress, lastProgressAt, invalidAnswers + 1, FROM_CHECK, writer, traceparent);
    }

    public TrackedJob progressPublished(double progress, Instant at) {
        return new TrackedJob(jobId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts, input,
                progress, at, invalidAnswers, FROM_CHECK, writer, traceparent);
    }

    /** The same record under another spelling of its job ID (the canonical one, for records of the previous version). */
    public TrackedJob withJobId(String canonicalId) {
        return new TrackedJob(canonicalId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts, input,
                lastProgress, lastProgressAt, invalidAnswers, origin, writer, traceparent);
    }

    /** The record as this instance writes it. */
    public TrackedJob writtenBy(String instance) {
        return new TrackedJob(jobId, jobName, lastState, lastStateAt, correlationData, trackedSince, notFoundAttempts, input,
                lastProgress, lastProgressAt, invalidAnswers, origin, instance, traceparent);
    }

    /**
     * Whether {@code other} holds something this record does not: then it must be written. Who wrote
     * it does not count.
     */
    public boolean differsFrom(TrackedJob other) {
        return other == null
                || !Objects.equals(jobName, other.jobName) || !Objects.equals(lastState, other.lastState)
                || notFoundAttempts != other.notFoundAttempts || invalidAnswers != other.invalidAnswers
                || !Objects.equals(lastProgress, other.lastProgress) || !Objects.equals(lastProgressAt, other.lastProgressAt)
                || !Objects.equals(origin, other.origin);
    }

    /**
     * Only the job ID: Camel keys its bean-info cache by the object a route calls a method on
     * ({@code ${body.jobId}}), so every such call would hash the whole record, the producer's input
     * included (a third of the check threads' CPU in a profile at 10,000 jobs, docs/benchmarks.md).
     * Consistent with the record's equals: equal records have equal job IDs.
     */
    @Override
    public int hashCode() {
        return Objects.hashCode(jobId);
    }
}
