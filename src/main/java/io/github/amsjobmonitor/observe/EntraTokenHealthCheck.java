package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.auth.TokenOutcome;
import io.github.amsjobmonitor.auth.TokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: can the monitor get a token from Entra ID? Answered from {@link TokenProvider}'s own
 * state, so a probe costs no token request while a token is cached: UP while a fresh token is held,
 * DOWN for {@code recheckAfter} after a failed request. Only when neither tells (no token yet, or it
 * expired while no job was checked, or the last failure is older than {@code recheckAfter}) does the
 * probe ask for a token itself: at most one request per {@code recheckAfter} while Entra ID refuses.
 * Not a liveness check: a restart does not bring a token back.
 */
public class EntraTokenHealthCheck extends AbstractHealthCheck {

    public static final String ID = "entra-token";

    private final TokenProvider tokens;
    private final Duration recheckAfter;
    private final Clock clock;

    public EntraTokenHealthCheck(TokenProvider tokens, Duration recheckAfter, Clock clock) {
        super("monitor", ID);
        this.tokens = tokens;
        this.recheckAfter = recheckAfter;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (tokens.hasFreshToken()) {
            up(builder, tokens.lastOutcome());
            return;
        }
        TokenOutcome last = tokens.lastOutcome();
        if (last != null && !last.obtained() && last.at().plus(recheckAfter).isAfter(Instant.now(clock))) {
            down(builder, last);
            return;
        }
        try {
            tokens.accessToken();
            up(builder, tokens.lastOutcome());
        } catch (RuntimeException e) {
            // TokenUnavailableException above all; its message is in the outcome
            down(builder, tokens.lastOutcome());
        }
    }

    private static void up(HealthCheckResultBuilder builder, TokenOutcome last) {
        builder.up().message("a token is held");
        if (last != null) {
            builder.detail("token.obtained.at", last.at().toString());
        }
    }

    private static void down(HealthCheckResultBuilder builder, TokenOutcome last) {
        builder.down().message(last == null ? "no token" : last.failure());
        if (last != null) {
            builder.detail("token.failed.at", last.at().toString());
        }
    }
}
