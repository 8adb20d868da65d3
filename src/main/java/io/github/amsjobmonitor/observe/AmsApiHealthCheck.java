package io.github.amsjobmonitor.observe;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: does AMS answer? Judged from the monitor's own recent AMS requests ({@link AmsCalls}),
 * so a probe sends nothing to AMS: DOWN after {@code failureThreshold} failed requests in a row, UP
 * again with the next answer. UP before the first request (nothing is known against it).
 *
 * <p>Hook for a circuit breaker: give {@link #setCircuitState(Supplier)} a supplier of the breaker's
 * state name (resilience4j's {@code CircuitBreaker.getState().name()}); OPEN and FORCED_OPEN then
 * turn this check DOWN whatever the latest requests say, and the state shows as a detail.
 */
public class AmsApiHealthCheck extends AbstractHealthCheck {

    public static final String ID = "ams-api";

    private final AmsCalls calls;
    private final int failureThreshold;
    private volatile Supplier<String> circuitState;

    public AmsApiHealthCheck(AmsCalls calls, int failureThreshold) {
        super("monitor", ID);
        this.calls = calls;
        this.failureThreshold = failureThreshold;
    }

    /** The AMS circuit breaker's state, read on every probe (null: no breaker). */
    public void setCircuitState(Supplier<String> circuitState) {
        this.circuitState = circuitState;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int failures = calls.consecutiveFailures();
        AmsCalls.Failure lastFailure = calls.lastFailure();
        builder.detail("failures.in.a.row", failures);
        if (calls.lastAnswerAt() != null) {
            builder.detail("last.answer.at", calls.lastAnswerAt().toString());
        }
        if (lastFailure != null) {
            builder.detail("last.failure.at", lastFailure.at().toString());
        }
        Supplier<String> circuit = circuitState;
        String state = circuit == null ? null : circuit.get();
        if (state != null) {
            builder.detail("circuit.state", state);
            if (state.equals("OPEN") || state.equals("FORCED_OPEN")) {
                builder.down().message("the AMS circuit breaker is open");
                return;
            }
        }
        if (failures >= failureThreshold) {
            builder.down().message(failures + " AMS requests in a row failed, the last: " + lastFailure.what());
        } else {
            builder.up();
        }
    }

    /** The AMS circuit breaker's state now (CLOSED, OPEN, HALF_OPEN...), null when there is none: for the metrics. */
    public String circuitState() {
        Supplier<String> circuit = circuitState;
        return circuit == null ? null : circuit.get();
    }
}
