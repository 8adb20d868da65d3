package io.github.amsjobmonitor.intake;

/**
 * Input that can never be tracked. It carries the code and the sentence that go into the
 * dead-letter record's {@code monitor-error-code} and {@code monitor-error-reason} headers.
 */
public class RejectedInputException extends RuntimeException {

    private final String code;

    public RejectedInputException(String code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public String getCode() {
        return code;
    }

    public String getReason() {
        return getMessage();
    }
}
