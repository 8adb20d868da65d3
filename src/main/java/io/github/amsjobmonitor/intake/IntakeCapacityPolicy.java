package io.github.amsjobmonitor.intake;

import io.github.amsjobmonitor.observe.MonitorMetrics;
import io.github.amsjobmonitor.tracking.TrackingCapacity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses intake while this instance tracks {@code monitor.tracking.max-jobs} jobs, and resumes it once
 * jobs have ended: the intake route's Kafka consumer is suspended, which pauses its partitions (it
 * keeps polling, so it stays in its group), and the records not yet read stay uncommitted on
 * {@code job-ids}: nothing is lost. The batch in hand when the cap is reached is still written; the
 * tracking store holds what does not fit ({@link TrackingCapacity}).
 * <p>
 * A route policy (the intake route names it), as Camel's ThrottlingInflightRoutePolicy suspends a
 * consumer. Not camel-kafka's pausable EIP: in 4.18.0 its listener is never called for a batching
 * consumer (KafkaRecordBatchingProcessor does not call afterProcess), and it pauses only after a
 * failed exchange, without seeking back (CAMEL-20227, fixed later).
 */
public class IntakeCapacityPolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeCapacityPolicy.class);
    /** Nothing announces that a job ended, and a paused route sees no exchange: the count is looked at this often (one int read). */
    static final long REVIEW_MILLIS = 250;

    private final TrackingCapacity capacity;
    private final int resumeBelow;
    private Consumer consumer; // guarded by this
    private Route route; // guarded by this
    private boolean paused; // guarded by this
    private long pauses; // guarded by this
    private ScheduledExecutorService reviews;

    public IntakeCapacityPolicy(TrackingCapacity capacity) {
        this.capacity = capacity;
        // a tenth of the cap below it (at least one job): a full instance does not pause and resume for each job that ends
        this.resumeBelow = capacity.maxJobs() - Math.max(1, capacity.maxJobs() / 10);
    }

    @Override
    public synchronized void onStart(Route route) {
        // a route reload makes a new consumer, which starts unpaused
        consumer = route.getConsumer();
        this.route = route;
        paused = false;
        CamelContext context = route.getCamelContext();
        if (reviews == null) {
            reviews = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "intake-capacity");
            reviews.scheduleWithFixedDelay(this::review, REVIEW_MILLIS, REVIEW_MILLIS, TimeUnit.MILLISECONDS);
            registerMeters(context);
        }
    }

    @Override
    public synchronized void onStop(Route route) {
        consumer = null;
        this.route = null;
        paused = false;
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        // right after a batch was taken in: the soonest the cap can have been reached
        review();
    }

    /** Pauses intake when the instance is full, resumes it once it has room again. */
    synchronized void review() {
        if (consumer == null || !route.getCamelContext().getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
            // the whole route was suspended by something else (refused credentials): neither pause nor resume under it
            return;
        }
        try {
            if (!paused && capacity.full()) {
                if (suspendOrStopConsumer(consumer)) {
                    paused = true;
                    pauses++;
                    LOG.info("Intake paused: this instance tracks {} jobs, the most allowed (monitor.tracking.max-jobs); job IDs wait on their topic",
                            capacity.maxJobs());
                }
            } else if (paused && capacity.tracked() < resumeBelow) {
                resumeOrStartConsumer(consumer);
                paused = false;
                LOG.info("Intake resumed: {} jobs tracked here, of at most {}", capacity.tracked(), capacity.maxJobs());
            }
        } catch (Exception e) {
            LOG.warn("Could not {} intake: {}", paused ? "resume" : "pause", e.toString());
        }
    }

    /** Whether intake is paused now. */
    public synchronized boolean paused() {
        return paused;
    }

    /** How many times intake has paused since the start. */
    public synchronized long pauses() {
        return pauses;
    }

    public TrackingCapacity capacity() {
        return capacity;
    }

    private void registerMeters(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MonitorMetrics.CAMEL_REGISTRY_NAME, MeterRegistry.class);
        if (registry == null) {
            return; // metrics off
        }
        Gauge.builder("monitor.intake.paused", this, p -> p.paused() ? 1 : 0)
                .description("1 while intake is paused because this instance tracks monitor.tracking.max-jobs jobs")
                .register(registry);
        Gauge.builder("monitor.tracking.max.jobs", capacity, TrackingCapacity::maxJobs)
                .description("The most jobs this instance tracks (monitor.tracking.max-jobs)")
                .register(registry);
    }
}
