package io.github.amsjobmonitor.routes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health check {@code monitor/routes-reload}: how many route changes were applied and refused, and
 * the last refusal (file, line, reason). A refusal leaves the monitor UP: the previous routes go on
 * serving; the details tell the operator that the file on disk is not what runs.
 */
public final class RouteReloadStatus extends AbstractHealthCheck {

    public static final String METRIC = "monitor.route.reloads";

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile RouteProblem lastRefusal;
    private volatile Instant lastRefusalAt;
    private volatile boolean lastChangeRefused;
    private volatile MeterRegistry meters;

    public RouteReloadStatus() {
        super("monitor", "routes-reload");
    }

    /**
     * Counts into {@code monitor_route_reloads_total{outcome="applied|refused"}} too. Camel's
     * Micrometer support resets its registry after every route reload, so after each outcome the
     * counters are registered again where they went missing; they read this check's totals.
     */
    void countInto(MeterRegistry registry) {
        this.meters = registry;
        registerMeters();
    }

    private void registerMeters() {
        if (meters != null && meters.find(METRIC).functionCounters().size() < 2) {
            FunctionCounter.builder(METRIC, applied, AtomicLong::get).tag("outcome", "applied")
                    .description("Route file changes applied by live reload").register(meters);
            FunctionCounter.builder(METRIC, refused, AtomicLong::get).tag("outcome", "refused")
                    .description("Route file changes refused (the previous routes kept running)").register(meters);
        }
    }

    void applied() {
        lastChangeRefused = false;
        applied.incrementAndGet();
        registerMeters();
    }

    void refused(RouteProblem problem) {
        lastRefusal = problem;
        lastRefusalAt = Instant.now();
        lastChangeRefused = true;
        refused.incrementAndGet();
        registerMeters();
    }

    public long appliedCount() {
        return applied.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    public RouteProblem lastRefusal() {
        return lastRefusal;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("reloads.applied", applied.get());
        builder.detail("reloads.refused", refused.get());
        RouteProblem last = lastRefusal;
        if (last != null) {
            builder.detail("last-refusal.file", last.file());
            builder.detail("last-refusal.line", last.line());
            builder.detail("last-refusal.reason", last.message());
            builder.detail("last-refusal.at", lastRefusalAt.toString());
            if (lastChangeRefused) {
                builder.message("last route change refused, previous routes still running: " + last);
            }
        }
        builder.up();
    }
}
