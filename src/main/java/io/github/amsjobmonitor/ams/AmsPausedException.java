package io.github.amsjobmonitor.ams;

/**
 * No request was sent: AMS asked every client to wait (429 or 503, see {@link AmsBackoff}) for
 * longer than a caller may block. The job is checked again later, at its normal interval; retrying
 * at once would only wait again.
 */
public class AmsPausedException extends AmsUnavailableException {

    public AmsPausedException(String message) {
        super(message, 0, null);
    }

    @Override
    public boolean isThrottling() {
        return true;
    }
}
