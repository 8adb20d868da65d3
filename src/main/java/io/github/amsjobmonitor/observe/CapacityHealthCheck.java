package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.intake.IntakeCapacityPolicy;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Says whether intake is paused because this instance tracks {@code monitor.tracking.max-jobs} jobs.
 * Always UP: a full instance is working (checking its jobs, which end and make room); taking it out of
 * service or restarting it would free nothing and would move its jobs to instances that may be full
 * too. The message and the data say so; the metric {@code monitor_intake_paused} is what alerts use.
 */
public class CapacityHealthCheck extends AbstractHealthCheck {

    public static final String ID = "capacity";

    private final IntakeCapacityPolicy intake;

    public CapacityHealthCheck(IntakeCapacityPolicy intake) {
        super("monitor", ID);
        this.intake = intake;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int tracked = intake.capacity().tracked();
        int max = intake.capacity().maxJobs();
        boolean paused = intake.paused();
        builder.up().message(paused
                ? "intake paused: " + tracked + " jobs tracked here, the most allowed is " + max + "; it resumes as jobs end"
                : tracked + " of at most " + max + " jobs tracked here");
        builder.detail("intake.paused", paused);
        builder.detail("jobs.tracked", tracked);
        builder.detail("jobs.max", max);
    }
}
