package io.github.amsjobmonitor.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.amsjobmonitor.ams.JobId;
import io.github.amsjobmonitor.intake.JobRequestParser;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The values of the tracking topic, written and read. Every record read is checked before anything
 * uses it (contract, "Trust"): only the monitor's principal should write the topic, but a record that
 * is not what the monitor writes must harm no job. A record passes when it is within
 * {@link #MAX_RECORD_BYTES}, its key is a job ID in canonical form, its value is a tracking record
 * of that same job, and its times parse. Its times are parsed here, once, into instants: no check
 * parses a date again. A record that fails is counted by reason ({@link #skipped}) and never
 * reaches the schedule; the reader logs it.
 */
public class TrackingRecords {

    /**
     * Larger records are not the monitor's: intake takes in records of at most 64 KiB, and a tracking
     * record holds that input once (JSON escaping may double it) beside its correlation data.
     */
    public static final int MAX_RECORD_BYTES = 4 * JobRequestParser.MAX_BYTES;

    private static final Set<String> TIMES = Set.of("trackedSince", "lastStateAt", "lastProgressAt");

    /** Why a record was skipped; {@link #tag()} is the metric's {@code reason} tag. */
    public enum Skip {
        OVERSIZED("oversized"),
        INVALID_KEY("invalid_key"),
        UNREADABLE("unreadable"),
        INVALID_JOB_ID("invalid_job_id"),
        KEY_DIFFERS("key_differs"),
        INVALID_TIME("invalid_time");

        private final String tag;

        Skip(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /**
     * What a record holds: a job ({@code job}), a tombstone for the job its key names (both null), or
     * nothing usable ({@code skipped} says why, {@code detail} in a few words, for the log).
     */
    public record Read(TrackedJob job, Skip skipped, String detail) {

        public boolean isTombstone() {
            return job == null && skipped == null;
        }
    }

    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Map<Skip, LongAdder> skipped = new EnumMap<>(Skip.class);

    public TrackingRecords() {
        for (Skip reason : Skip.values()) {
            skipped.put(reason, new LongAdder());
        }
    }

    /** The record's value as {@code instance} writes it. */
    public byte[] write(TrackedJob job, String instance) throws JsonProcessingException {
        return json.writeValueAsBytes(job.writtenBy(instance));
    }

    /** Checks and reads a record of the tracking topic (a null value is a tombstone). */
    public Read read(String key, byte[] value) {
        if (value != null && value.length > MAX_RECORD_BYTES) {
            return skip(Skip.OVERSIZED, value.length + " bytes, at most " + MAX_RECORD_BYTES);
        }
        if (!JobId.isCanonical(key)) {
            return skip(Skip.INVALID_KEY, "the key is not a job ID in canonical form");
        }
        if (value == null) {
            return new Read(null, null, null);
        }
        Read read = readValue(value);
        if (read.skipped() == null && !read.job().jobId().equals(key)) {
            return skip(Skip.KEY_DIFFERS, "the value is about " + read.job().jobId());
        }
        return read.skipped() == null ? read : skip(read.skipped(), read.detail());
    }

    /**
     * Checks and reads a record's value alone, for a topic whose keys are not checked (the previous
     * version's checks topic); a job ID in another letter case comes out canonical.
     */
    public Read readCarriedOver(byte[] value) {
        if (value.length > MAX_RECORD_BYTES) {
            return skip(Skip.OVERSIZED, value.length + " bytes, at most " + MAX_RECORD_BYTES);
        }
        Read read = readValue(value);
        if (read.skipped() == Skip.INVALID_JOB_ID && read.job() != null && JobId.isValid(read.job().jobId())) {
            return new Read(read.job().withJobId(JobId.canonical(read.job().jobId())), null, null);
        }
        return read.skipped() == null ? read : skip(read.skipped(), read.detail());
    }

    /** How many records were skipped for this reason since the start. */
    public long skipped(Skip reason) {
        return skipped.get(reason).sum();
    }

    /** Parses a value; the job of an INVALID_JOB_ID outcome is returned too, for the carry-over. Not counted here. */
    Read readValue(byte[] value) {
        TrackedJob job;
        try {
            job = json.readValue(value, TrackedJob.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            return field != null && TIMES.contains(field)
                    ? new Read(null, Skip.INVALID_TIME, field + " is not an ISO-8601 instant")
                    : new Read(null, Skip.UNREADABLE, "not a tracking record" + (field == null ? "" : " (field " + field + ")"));
        } catch (IOException e) {
            return new Read(null, Skip.UNREADABLE, "not JSON");
        }
        if (job == null) {
            return new Read(null, Skip.UNREADABLE, "not a tracking record");
        }
        if (job.trackedSince() == null) {
            return new Read(null, Skip.INVALID_TIME, "trackedSince is missing");
        }
        if (!JobId.isCanonical(job.jobId())) {
            return new Read(job, Skip.INVALID_JOB_ID, "jobId is not a job ID in canonical form");
        }
        return new Read(job, null, null);
    }

    private Read skip(Skip reason, String detail) {
        skipped.get(reason).increment();
        return new Read(null, reason, detail);
    }
}
