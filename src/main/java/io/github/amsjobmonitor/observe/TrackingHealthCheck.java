package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.tracking.JobSchedule;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: has this instance restored the tracking partitions it owns? While a partition is being
 * read back from the tracking topic its jobs are not checked, so the instance is not ready (a
 * rebalance makes it DOWN for the few seconds of a restore). Not a liveness check: a restart would
 * only start the restore again.
 */
public class TrackingHealthCheck extends AbstractHealthCheck {

    public static final String ID = "tracking";

    private final JobSchedule schedule;

    public TrackingHealthCheck(JobSchedule schedule) {
        super("monitor", ID);
        this.schedule = schedule;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long restoring = schedule.partitionsRestoring();
        if (restoring == 0) {
            builder.up().message(schedule.size() + " jobs tracked here");
        } else {
            builder.down().message(restoring + " partitions of the tracking topic are being restored");
        }
        builder.detail("jobs.tracked", schedule.size());
        builder.detail("partitions.restoring", restoring);
    }
}
