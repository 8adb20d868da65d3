package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackedJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Check lag and jobs by state, as Prometheus reads them from the schedule at each scrape. */
class ScheduleGaugesTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final JobSchedule schedule = new JobSchedule(Duration.ofSeconds(15), 20, Duration.ofMillis(50), 20,
            Duration.ofMinutes(5), nanos::get);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void should_serve_the_check_lag_in_seconds_and_the_jobs_by_state() {
        MonitorMetrics.registerScheduleGauges(registry, schedule);
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (int i = 0; i < 2; i++) {
            String id = "nb:jid:UUID:" + UUID.randomUUID();
            schedule.apply(0, id, requested(id));
        }
        String processing = "nb:jid:UUID:" + UUID.randomUUID();
        schedule.apply(0, processing, record(processing, "Processing"));
        nanos.addAndGet(Duration.ofMillis(2500).toNanos());

        String text = registry.scrape();
        assertEquals("2.5", value(text, "monitor_checks_lag_seconds"), text);
        assertEquals("2.0", value(text, "monitor_jobs_by_state{state=\"not_seen\"}"), text);
        assertEquals("1.0", value(text, "monitor_jobs_by_state{state=\"Processing\"}"), text);
        assertEquals("0.0", value(text, "monitor_jobs_by_state{state=\"Queued\"}"), "every state has its series, 0 too");
        assertEquals("# TYPE monitor_checks_lag_seconds gauge", text.lines()
                .filter(l -> l.startsWith("# TYPE monitor_checks_lag_seconds")).findFirst().orElse(""));
    }

    @Test
    void should_read_the_schedule_again_at_each_scrape() {
        MeterRegistry meters = registry;
        MonitorMetrics.registerScheduleGauges(meters, schedule);
        schedule.assigned(List.of(0));
        schedule.restored(0);
        String id = "nb:jid:UUID:" + UUID.randomUUID();
        schedule.apply(0, id, requested(id));
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals(4.0, meters.get("monitor.checks.lag").gauge().value());
        schedule.stopped(id);
        assertEquals(0.0, meters.get("monitor.checks.lag").gauge().value());
        assertEquals(0.0, meters.get("monitor.jobs.by.state").tag("state", "not_seen").gauge().value());
    }

    @Test
    void should_serve_the_poll_interval_the_partitions_restoring_and_the_breaker_state() {
        MonitorMetrics.registerScheduleGauges(registry, schedule);
        AmsApiHealthCheck ams = new AmsApiHealthCheck(new AmsCalls(java.time.Clock.systemUTC()), 3);
        String[] circuit = {"CLOSED"};
        ams.setCircuitState(() -> circuit[0]);
        MonitorMetrics.registerStateGauges(registry, ams, null);
        schedule.assigned(List.of(0, 1));
        schedule.restored(0);

        assertEquals(15.0, registry.get("monitor.poll.interval").gauge().value(), "seconds, for the lag alert");
        assertEquals(1.0, registry.get("monitor.tracking.partitions.restoring").gauge().value());
        assertEquals(0.0, registry.get("monitor.ams.breaker.open").gauge().value());
        circuit[0] = "OPEN";
        assertEquals(1.0, registry.get("monitor.ams.breaker.open").gauge().value());
        circuit[0] = "HALF_OPEN";
        assertEquals(0.0, registry.get("monitor.ams.breaker.open").gauge().value());
        assertEquals(null, registry.find("monitor.credentials.refused").gauge(), "no series without the bean");
    }

    private TrackedJob requested(String id) {
        return record(id, null);
    }

    /** A record of the tracking topic (state null: a request from intake), read as the schedule reads one. */
    private TrackedJob record(String id, String state) {
        // times relative to now: nothing here may depend on the calendar
        Instant since = Instant.now().minusSeconds(60);
        String json = "{\"jobId\":\"" + id + "\",\"trackedSince\":\"" + since + "\""
                + (state == null ? ",\"origin\":\"intake\"}"
                : ",\"jobName\":\"encode\",\"lastState\":\"" + state + "\",\"lastStateAt\":\"" + since.plusSeconds(1)
                        + "\",\"origin\":\"check\"}");
        return Objects.requireNonNull(schedule.read(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    private static String value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).map(l -> l.substring(series.length() + 1))
                .findFirst().orElse("missing");
    }
}
