package io.github.amsjobmonitor.ams;

/**
 * AMS answered 200 with a body this monitor cannot read: not JSON, the verbose {@code {"d":...}}
 * shape, no {@code value} array, a job without {@code Id} or {@code State}. The message says what
 * was wrong (never more than a short, printable excerpt of the body).
 */
public class AmsAnswerInvalidException extends RuntimeException {

    public AmsAnswerInvalidException(String message) {
        super(message);
    }
}
