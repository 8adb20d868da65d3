package io.github.amsjobmonitor.intake;

import io.github.amsjobmonitor.logging.ControlCharacterEscaping;

/**
 * Input that can never be tracked. It carries the code and the sentence that go into the
 * dead-letter record's {@code monitor-error-code} and {@code monitor-error-reason} headers, and into
 * the dead-letter log line. A reason may quote the producer's text (a correlationData key): its
 * control characters are escaped here, where every such sentence passes, so neither the header nor
 * the log line can be split by it.
 */
public class RejectedInputException extends RuntimeException {

    private final String code;

    public RejectedInputException(String code, String reason) {
        super(ControlCharacterEscaping.escape(reason), null, false, false);
        this.code = code;
    }

    public String getCode() {
        return code;
    }

    public String getReason() {
        return getMessage();
    }
}
