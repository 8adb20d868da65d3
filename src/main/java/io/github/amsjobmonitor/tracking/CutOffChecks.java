package io.github.amsjobmonitor.tracking;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Puts a batch's jobs back in the schedule when Camel cuts its check off. A route reload, or a stop
 * whose graceful shutdown outlasts {@code camel.main.shutdown-timeout}, interrupts the batches still
 * in flight (the AMS request fails with a CancellationException) and, shutting the routes down, runs
 * no error handler: check-errors never sees the failure, and the jobs would wait for
 * {@link JobSchedule}'s stuck reclaim (about two minutes). The exchange still completes, failed, and
 * runs its completion callbacks: the one added here hands the batch back ({@link JobSchedule#handBack}).
 * <p>
 * An exchange completion callback, not the route's {@code onCompletion}: seen with Camel 4.18, a
 * route's onCompletion does not run once its route is forced to stop; the exchange's callbacks do.
 * Only on failure: every check-errors handler handles its exception, so a check exchange ends failed
 * only when it was cut off.
 */
public class CutOffChecks {

    private final JobSchedule schedule;

    public CutOffChecks(JobSchedule schedule) {
        this.schedule = schedule;
    }

    /** Called first in check-batch, with the batch as the schedule handed it out. */
    public void handBackIfCutOff(Exchange exchange, List<TrackedJob> batch) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                schedule.handBack(batch);
            }
        });
    }
}
