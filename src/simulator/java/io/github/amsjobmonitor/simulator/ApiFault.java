package io.github.amsjobmonitor.simulator;

import java.time.Duration;

/**
 * A fault the simulated AMS API can answer with, for {@link AmsSimulator#injectFault}. Request
 * faults (STATUS, SLOW, UNAUTHORIZED) hit the next API requests of any kind; answer faults
 * (NOT_JSON, VERBOSE, NO_STATE, UNKNOWN_STATE, OVERSIZED) spoil the body of the next {@code Jobs()} answers
 * that would have been 200.
 *
 * @param kind       what goes wrong
 * @param status     the HTTP status of a STATUS fault (503 answers "Server is busy", as AMS)
 * @param retryAfter the {@code Retry-After} of a STATUS fault, null for none
 * @param delay      how long a SLOW answer waits before it is sent
 */
public record ApiFault(Kind kind, int status, Duration retryAfter, Duration delay) {

    public enum Kind {
        /** An error status instead of the answer. */
        STATUS,
        /** The right answer, late (beyond a client's read timeout). */
        SLOW,
        /** 401 even for a valid token. */
        UNAUTHORIZED,
        /** 200 with an HTML page instead of JSON. */
        NOT_JSON,
        /** 200 with the verbose OData shape {@code {"d":{"results":[...]}}}. */
        VERBOSE,
        /** 200 with jobs that have no {@code State}. */
        NO_STATE,
        /** 200 with jobs whose {@code State} is 42, a state no version knows. */
        UNKNOWN_STATE,
        /** 200 with a readable answer padded with whitespace to {@link #OVERSIZED_BYTES}, past the default ams.max-answer-size. */
        OVERSIZED;

        boolean spoilsAnswer() {
            return ordinal() >= NOT_JSON.ordinal();
        }
    }

    /** The length of an OVERSIZED answer: 5 MiB. */
    public static final int OVERSIZED_BYTES = 5 * 1024 * 1024;

    /** The State integer of an UNKNOWN_STATE answer. */
    public static final int UNKNOWN_STATE_CODE = 42;

    public static ApiFault status(int status) {
        return new ApiFault(Kind.STATUS, status, null, null);
    }

    /** 429 or 503 with {@code Retry-After} (whole seconds, as AMS sends it). */
    public static ApiFault throttled(int status, Duration retryAfter) {
        return new ApiFault(Kind.STATUS, status, retryAfter, null);
    }

    public static ApiFault slow(Duration delay) {
        return new ApiFault(Kind.SLOW, 200, null, delay);
    }

    public static ApiFault of(Kind kind) {
        return new ApiFault(kind, kind == Kind.UNAUTHORIZED ? 401 : 200, null, null);
    }
}
