package io.github.amsjobmonitor.intake;

import java.time.Instant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.observe.CapacityHealthCheck;
import io.github.amsjobmonitor.observe.MonitorMetrics;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackedJob;
import io.github.amsjobmonitor.tracking.TrackingCapacity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Intake pauses while the instance tracks monitor.tracking.max-jobs jobs, and resumes a tenth below it. */
class IntakeCapacityPolicyTest {

    private static final int MAX = 10;
    private final JobSchedule schedule = new JobSchedule(Duration.ofSeconds(15), 20, Duration.ofMillis(50), 40,
            Duration.ofMinutes(5), System::nanoTime);
    private final IntakeCapacityPolicy policy = new IntakeCapacityPolicy(new TrackingCapacity(schedule, MAX));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> tracked = new ArrayList<>();
    private CamelContext context;
    private Consumer consumer;

    @BeforeEach
    void startIntake() throws Exception {
        schedule.assigned(List.of(0));
        schedule.restored(0);
        context = new DefaultCamelContext();
        context.getRegistry().bind(MonitorMetrics.CAMEL_REGISTRY_NAME, meters);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:intake").routeId("intake").routePolicy(policy).to("mock:taken");
            }
        });
        context.start();
        consumer = context.getRoute("intake").getConsumer();
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    private void track(int jobs) {
        for (int i = 0; i < jobs; i++) {
            String id = "nb:jid:UUID:" + UUID.randomUUID();
            schedule.apply(0, id, TrackedJob.requested(id, Map.of(), Instant.parse("2026-11-26T14:00:00Z"), null));
            tracked.add(id);
        }
    }

    private void end(int jobs) {
        for (int i = 0; i < jobs; i++) {
            schedule.stopped(tracked.remove(0));
        }
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void should_pause_intake_right_after_the_batch_that_filled_the_instance() {
        track(MAX - 1);
        context.createProducerTemplate().sendBody("direct:intake", "a batch");
        assertFalse(policy.paused());

        track(1);
        context.createProducerTemplate().sendBody("direct:intake", "the batch that filled it");

        assertTrue(policy.paused());
        assertTrue(ServiceHelper.isSuspended(consumer), "the route's consumer is suspended: Kafka pauses its partitions");
        assertEquals(1.0, gauge("monitor.intake.paused"));
        assertEquals(MAX, gauge("monitor.tracking.max.jobs"));
    }

    @Test
    void should_resume_intake_once_a_tenth_of_the_cap_has_ended() {
        track(MAX);
        policy.review();
        assertTrue(policy.paused());

        end(1);
        policy.review();
        assertTrue(policy.paused(), "one free place is not enough: no pause and resume for each job that ends");

        end(1);
        policy.review();
        assertFalse(policy.paused());
        assertTrue(ServiceHelper.isStarted(consumer) && !ServiceHelper.isSuspended(consumer));
        assertEquals(0.0, gauge("monitor.intake.paused"));
        assertEquals(1, policy.pauses());
    }

    @Test
    void should_say_in_health_that_intake_is_paused_and_stay_up() {
        CapacityHealthCheck check = new CapacityHealthCheck(policy);
        check.setCamelContext(context);
        track(MAX);
        policy.review();

        HealthCheck.Result result = check.call();

        assertEquals(HealthCheck.State.UP, result.getState(), "a full instance is working, not broken");
        assertEquals("intake paused: 10 jobs tracked here, the most allowed is 10; it resumes as jobs end",
                result.getMessage().orElse(""));
        assertEquals(true, result.getDetails().get("intake.paused"));
    }

    @Test
    void should_not_resume_intake_under_a_route_that_something_else_suspended() throws Exception {
        track(MAX);
        policy.review();
        context.getRouteController().suspendRoute("intake");
        end(MAX);

        policy.review();

        assertTrue(ServiceHelper.isSuspended(consumer), "the route stays as the other suspended it");
    }
}
