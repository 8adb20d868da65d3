package io.github.amsjobmonitor.auth;

import java.time.Instant;

/** How the latest token request ended: a token, or the reason there was none (never the secret or a token). */
public record TokenOutcome(boolean obtained, Instant at, String failure) {

    static TokenOutcome obtained(Instant at) {
        return new TokenOutcome(true, at, null);
    }

    static TokenOutcome failed(Instant at, String failure) {
        return new TokenOutcome(false, at, failure);
    }
}
