package io.github.amsjobmonitor.ams;

import io.github.amsjobmonitor.logging.ControlCharacterEscaping;

/**
 * AMS answered 200 with a body this monitor cannot read: not JSON, the verbose {@code {"d":...}}
 * shape, no {@code value} array, a job without {@code Id} or {@code State}. The message says what
 * was wrong (never more than a short, printable excerpt of the body). It goes into a log line and,
 * after too many in a row, the dead-letter reason header: what it quotes of the answer (a job Id,
 * Jackson's description) has its control characters escaped.
 */
public class AmsAnswerInvalidException extends RuntimeException {

    public AmsAnswerInvalidException(String message) {
        super(ControlCharacterEscaping.escape(message));
    }
}
