package io.github.amsjobmonitor.ams;

/**
 * AMS gave no usable answer to a request that may well succeed if sent again: no connection, a
 * timeout, a 5xx, 408 or 429. The caller's error handling retries it with backoff, then checks the
 * job again later.
 */
public class AmsUnavailableException extends RuntimeException {

    private final int status;
    private final String retryAfter;

    /** No HTTP answer at all (status 0). */
    public AmsUnavailableException(String message) {
        this(message, 0, null);
    }

    public AmsUnavailableException(String message, int status, String retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status AMS answered, 0 when there was no answer. */
    public int getStatus() {
        return status;
    }

    /** AMS's {@code Retry-After} header, null when absent. */
    public String getRetryAfter() {
        return retryAfter;
    }

    /** 429, or 503 (AMS's "Server is busy"). */
    public boolean isThrottling() {
        return status == 429 || status == 503;
    }
}
