package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the guard answers a caller without credentials: status and check names, never a message or data. */
class ManagementGuardTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void should_answer_status_and_check_names_without_messages_or_data() throws Exception {
        camel.start();
        HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
        registry.register(new Leaky("leaky-ready"));
        ManagementGuard guard = new ManagementGuard(camel, "/observe/health", false, false, null);

        ManagementGuard.StatusOnly ready = guard.statusOnly("/observe/health/ready");
        assertFalse(ready.up());
        assertTrue(ready.json().contains("{\"name\":\"leaky-ready\",\"status\":\"DOWN\"}"), ready.json());
        assertTrue(ready.json().startsWith("{\"status\":\"DOWN\",\"checks\":["), ready.json());
        for (String secret : new String[] {"https://acct.example", "client-42", "message", "data", "error"}) {
            assertFalse(ready.json().contains(secret), secret + " in " + ready.json());
        }
    }

    @Test
    void should_leave_readiness_checks_out_of_liveness() throws Exception {
        camel.start();
        HealthCheckRegistry.get(camel).register(new Leaky("leaky-ready"));
        ManagementGuard guard = new ManagementGuard(camel, "/observe/health", false, false, null);
        ManagementGuard.StatusOnly live = guard.statusOnly("/observe/health/live");
        assertFalse(live.json().contains("leaky-ready"), live.json());
        assertEquals(live.up(), !live.json().contains("DOWN"), live.json());
    }

    /** A readiness check that is DOWN and tells configured values in its message and data. */
    private static final class Leaky extends AbstractHealthCheck {
        Leaky(String id) {
            super("test", id);
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.down().message("cannot reach https://acct.example for client-42").detail("client.id", "client-42");
        }
    }
}
