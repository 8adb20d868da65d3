package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.amsjobmonitor.tracking.JobSchedule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class TrackingHealthCheckTest {

    private final JobSchedule schedule = new JobSchedule(Duration.ofSeconds(15), 20, Duration.ofMillis(50), 160,
            Duration.ofMinutes(5), System::nanoTime);

    private HealthCheck.State state() {
        TrackingHealthCheck check = new TrackingHealthCheck(schedule);
        check.setCamelContext(new DefaultCamelContext());
        return check.call(Map.of()).getState();
    }

    @Test
    void should_not_be_ready_while_a_partition_is_restored() {
        schedule.assigned(List.of(0, 1));
        assertEquals(HealthCheck.State.DOWN, state());
        schedule.restored(0);
        assertEquals(HealthCheck.State.DOWN, state());
        schedule.restored(1);
        assertEquals(HealthCheck.State.UP, state());
    }

    @Test
    void should_be_a_readiness_check_only() {
        TrackingHealthCheck check = new TrackingHealthCheck(schedule);
        assertFalse(check.isLiveness());
    }
}
