package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** ams-api: DOWN after a run of unanswered or 5xx requests, UP with the next answer; an open circuit breaker wins. */
class AmsApiHealthCheckTest {

    private final AmsCalls calls = new AmsCalls(Clock.systemUTC());
    private final AmsApiHealthCheck check = new AmsApiHealthCheck(calls, 3);

    AmsApiHealthCheckTest() {
        check.setCamelContext(new DefaultCamelContext());
    }

    @Test
    void should_be_up_before_any_request_and_while_ams_answers_even_with_client_errors() {
        assertEquals(HealthCheck.State.UP, state());
        calls.answered(200);
        calls.answered(401);
        calls.answered(404);
        calls.answered(301);
        assertEquals(HealthCheck.State.UP, state());
    }

    @Test
    void should_turn_down_after_three_failures_in_a_row_and_up_with_the_next_answer() {
        calls.failed("ConnectException: Connection refused");
        calls.answered(503);
        assertEquals(HealthCheck.State.UP, state(), "two failures");
        calls.answered(500);
        HealthCheck.Result down = check.call(Map.of());
        assertEquals(HealthCheck.State.DOWN, down.getState());
        assertTrue(down.getMessage().orElse("").contains("3 AMS requests in a row failed, the last: HTTP 500"),
                down.getMessage().orElse(""));
        calls.answered(200);
        assertEquals(HealthCheck.State.UP, state());
    }

    @Test
    void should_be_down_while_the_circuit_breaker_is_open() {
        String[] circuit = {"OPEN"};
        check.setCircuitState(() -> circuit[0]);
        calls.answered(200);
        assertEquals(HealthCheck.State.DOWN, state());
        circuit[0] = "HALF_OPEN";
        assertEquals(HealthCheck.State.UP, state());
    }

    @Test
    void should_not_be_a_liveness_check() {
        assertEquals(false, check.isLiveness());
        assertEquals(true, check.isReadiness());
    }

    private HealthCheck.State state() {
        return check.call(Map.of()).getState();
    }
}
