package io.github.amsjobmonitor.ams;

/**
 * AMS answered, but not with the data: a 4xx such as 401 that persists with a fresh token (an auth
 * outage), 403 or 404, or more redirects than one call follows. Sending the same request again at
 * once would get the same answer, so the job is checked again later, without immediate retries.
 */
public class AmsRefusedException extends RuntimeException {

    public AmsRefusedException(String message) {
        super(message);
    }
}
