package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** entra-token answers from the token provider's own state, asking Entra ID at most once per recheck period. */
class EntraTokenHealthCheckTest {

    private final AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
    // no backoff after a failed token request: these tests are about the probe's own recheck period
    private final TokenProvider tokens = new TokenProvider(simulator.baseUrl(), simulator.settings().tenant(),
            simulator.settings().clientId(), simulator.settings().clientSecret(), simulator.settings().scope(),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO, Clock.systemUTC());

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void should_cost_no_token_request_while_a_token_is_held() {
        EntraTokenHealthCheck check = check(Duration.ofMinutes(10));
        assertEquals(HealthCheck.State.UP, state(check), "the first probe gets a token");
        int requests = simulator.tokenRequestCount();
        for (int i = 0; i < 10; i++) {
            assertEquals(HealthCheck.State.UP, state(check));
        }
        assertEquals(requests, simulator.tokenRequestCount());
    }

    @Test
    void should_report_a_recent_failure_without_asking_again_until_the_recheck_period_passed() {
        simulator.tokenOutage(true);
        EntraTokenHealthCheck check = check(Duration.ofMinutes(10));
        HealthCheck.Result down = check.call(Map.of());
        assertEquals(HealthCheck.State.DOWN, down.getState());
        assertTrue(down.getMessage().orElse("").contains("temporarily_unavailable"), down.getMessage().orElse(""));
        assertFalse(down.getMessage().orElse("").contains(simulator.settings().clientSecret()));
        int requests = simulator.tokenRequestCount();
        simulator.tokenOutage(false);
        assertEquals(HealthCheck.State.DOWN, state(check), "the known failure, within the recheck period");
        assertEquals(requests, simulator.tokenRequestCount(), "no token request from the probe");

        // a check whose recheck period is over asks Entra ID itself, and is UP again
        assertEquals(HealthCheck.State.UP, state(check(Duration.ZERO)));
        assertEquals(HealthCheck.State.UP, state(check), "the token is held now");
    }

    @Test
    void should_be_a_readiness_check_only() {
        assertFalse(check(Duration.ZERO).isLiveness());
        assertTrue(check(Duration.ZERO).isReadiness());
    }

    private EntraTokenHealthCheck check(Duration recheck) {
        EntraTokenHealthCheck check = new EntraTokenHealthCheck(tokens, recheck, Clock.systemUTC());
        check.setCamelContext(new DefaultCamelContext());
        return check;
    }

    private static HealthCheck.State state(EntraTokenHealthCheck check) {
        return check.call(Map.of()).getState();
    }
}
