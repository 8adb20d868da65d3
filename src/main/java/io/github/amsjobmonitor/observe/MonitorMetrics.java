package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.ams.AmsClient;
import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.events.KafkaHeaderFilter;
import io.github.amsjobmonitor.tracking.Observation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.github.amsjobmonitor.ams.JobState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import io.github.amsjobmonitor.routes.RouteContract;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackingRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
// check lag, jobs by state, breaker, credentials (registerScheduleGauges, registerStateGauges)
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.auth.RefusedCredentialsStop;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's own Prometheus series, counted from Camel's "exchange sent" events, so the routes
 * carry no metrics steps: a send to {@code direct:check-job} is one check (its state from the
 * exchange's {@code observation}), a send to an HTTP endpoint is one AMS request (status and time),
 * a send to a Kafka topic is one published event or, on the dead-letter topic, one dead letter
 * (its code from the {@code monitor-error-code} header). The tracking topic is internal: not counted.
 * AMS requests (status and time) are told by {@link AmsClient}, which sends them without an exchange.
 */
public class MonitorMetrics extends EventNotifierSupport implements CamelContextAware, AmsClient.RequestListener {

    /** The name camel-micrometer-prometheus binds its registry under (the one /observe/metrics serves). */
    public static final String CAMEL_REGISTRY_NAME = "metricsRegistry";

    static final String CHECK_ENDPOINT = RouteContract.CHECK_JOB_ENDPOINT;
    /** The outcomes of a check (besides failed): each known state, a job AMS does not know, a state this version does not know. */
    private static final List<String> CHECK_OUTCOMES = Stream.concat(Arrays.stream(JobState.values()).map(Enum::name),
            Stream.of("not_found", "unknown")).toList();
    /** Histogram buckets of the AMS request time: a normal answer takes tens of ms, the timeout is 15 s. */
    private static final Duration[] AMS_BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15)};

    private CamelContext camelContext;
    private MeterRegistry registry;
    private final AmsCalls amsCalls;
    private final TokenProvider tokens;
    private final JobSchedule schedule;
    private final String trackingTopic;
    private final String deadLetterTopic;
    private Timer amsRequestTime;

    public MonitorMetrics(AmsCalls amsCalls, TokenProvider tokens, JobSchedule schedule,
                          String trackingTopic, String deadLetterTopic) {
        this.amsCalls = amsCalls;
        this.tokens = tokens;
        this.schedule = schedule;
        this.trackingTopic = trackingTopic;
        this.deadLetterTopic = deadLetterTopic;
        // only "exchange sent" matters here (and "sending", below): Camel then skips building the other events for this notifier
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        // "sending" is not ignored: see isEnabled
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        registry = camelContext.getRegistry().lookupByNameAndType(CAMEL_REGISTRY_NAME, MeterRegistry.class);
        if (registry == null) {
            // camel.metrics.enabled=false: count anyway, nobody reads it
            registry = new SimpleMeterRegistry();
        }
        registerScheduleGauges(registry, schedule);
        registerStateGauges(registry, camelContext.getRegistry().lookupByNameAndType("amsApiHealthCheck", AmsApiHealthCheck.class),
                camelContext.getRegistry().lookupByNameAndType("refusedCredentialsStop", RefusedCredentialsStop.class));
        amsRequestTime = Timer.builder("monitor.ams.request")
                .description("Time of AMS REST requests, answered or not")
                .serviceLevelObjectives(AMS_BUCKETS)
                .register(registry);
        FunctionCounter.builder("monitor.token.requests", tokens, t -> t.tokenRequests() - t.failedTokenRequests())
                .description("Token requests sent to Entra ID").tag("outcome", "obtained").register(registry);
        FunctionCounter.builder("monitor.token.requests", tokens, TokenProvider::failedTokenRequests)
                .description("Token requests sent to Entra ID").tag("outcome", "failed").register(registry);
        for (String outcome : CHECK_OUTCOMES) {
            FunctionCounter.builder("monitor.checks", schedule, s -> s.checks(outcome))
                    .description("Checks of a job, by the state AMS reported").tag("state", outcome).register(registry);
        }
        FunctionCounter.builder("monitor.checks", schedule, JobSchedule::failedChecks)
                .description("Checks of a job, by the state AMS reported").tag("state", "failed").register(registry);
        Gauge.builder("monitor.jobs.tracked", schedule, JobSchedule::size)
                .description("Jobs this instance tracks now (in memory: its share of the tracking topic)")
                .register(registry);
        for (TrackingRecords.Skip reason : TrackingRecords.Skip.values()) {
            FunctionCounter.builder("monitor.tracking.records.skipped", schedule.records(), records -> records.skipped(reason))
                    .description("Records of the tracking topic skipped because they fail the monitor's checks, by reason")
                    .tag("reason", reason.tag()).register(registry);
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        // "sending" taken (and passed over in notify): Camel times a send, and fires its "sent", only
        // when a notifier took its "sending" event
        return event instanceof ExchangeSentEvent || event instanceof CamelEvent.ExchangeSendingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        Endpoint endpoint = sent.getEndpoint();
        Exchange exchange = sent.getExchange();
        if (endpoint instanceof KafkaEndpoint kafka) {
            published(exchange, kafka.getConfiguration().getTopic());
        } else if (CHECK_ENDPOINT.equals(endpoint.getEndpointBaseUri())) {
            String outcome = checkOutcome(exchange);
            if (outcome != null) {
                // the same count as the checks jobSchedule settles without an exchange
                schedule.countCheck(outcome);
            }
        }
    }

    /** One AMS request answered (AmsClient calls it, on the request's thread). */
    @Override
    public void answered(int status, long nanos) {
        amsCalls.answered(status);
        amsRequest(String.valueOf(status), nanos);
    }

    /** One AMS request without an answer: refused, timed out, reset. */
    @Override
    public void unanswered(Exception failure, long nanos) {
        amsCalls.failed(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        amsRequest("none", nanos);
    }

    private void amsRequest(String code, long nanos) {
        if (amsRequestTime == null) {
            // not started (yet): nothing to count into
            return;
        }
        amsRequestTime.record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("monitor.ams.responses").description("AMS REST answers by HTTP status (none: no answer)")
                .tag("code", code).register(registry).increment();
    }

    private void published(Exchange exchange, String topic) {
        if (exchange.getException() != null || topic == null || topic.equals(trackingTopic)) {
            return;
        }
        if (topic.equals(deadLetterTopic)) {
            String code = exchange.getMessage().getHeader(KafkaHeaderFilter.ERROR_CODE, String.class);
            Counter.builder("monitor.dead.letters").description("Records written to the dead-letter topic, by error code")
                    .tag("code", code == null ? "unknown" : code).register(registry).increment();
            return;
        }
        Observation observation = exchange.getProperty(RouteContract.OBSERVATION_PROPERTY, Observation.class);
        String state = observation == null || observation.state() == null ? "unknown" : observation.state().name();
        Counter.builder("monitor.events.published").description("Job events published, by job state and topic")
                .tag("state", state).tag("topic", topic).register(registry).increment();
    }

    private static String checkOutcome(Exchange exchange) {
        Observation observation = exchange.getProperty(RouteContract.OBSERVATION_PROPERTY, Observation.class);
        if (exchange.getException() != null || observation == null) {
            // failed checks are counted by the schedule, which sees the failures of whole batches too
            return null;
        }
        if (observation.state() != null) {
            return observation.state().name();
        }
        return observation.found() ? "unknown" : "not_found";
    }

    /**
     * {@code monitor_checks_lag_seconds}: how late the most overdue due check is (0 when none is), the
     * first thing to look at when AMS slows down; {@code monitor_jobs_by_state{state}}: the jobs tracked
     * here by the state last published ({@code not_seen} before the first). Read at each scrape.
     */
    static void registerScheduleGauges(MeterRegistry registry, JobSchedule schedule) {
        Gauge.builder("monitor.checks.lag", schedule, s -> s.oldestOverdueNanos() / 1e9)
                .description("How long the most overdue job has been waiting past its due check (0: none is)")
                .baseUnit("seconds").register(registry);
        // for alert rules: lag against the interval, and a restore that takes too long
        Gauge.builder("monitor.poll.interval", schedule, s -> s.intervalNanos() / 1e9)
                .description("monitor.poll.interval: the time between two checks of a job").baseUnit("seconds")
                .register(registry);
        Gauge.builder("monitor.tracking.partitions.restoring", schedule, JobSchedule::partitionsRestoring)
                .description("Partitions of the tracking topic this instance is still restoring (their jobs wait)")
                .register(registry);
        List<String> states = new ArrayList<>();
        for (JobState state : JobState.values()) {
            states.add(state.name());
        }
        states.add(JobSchedule.NOT_SEEN);
        for (String state : states) {
            // one pass over the jobs per state and scrape: a few ms at 100,000 jobs, every scrape interval
            Gauge.builder("monitor.jobs.by.state", schedule, s -> s.countByState().getOrDefault(state, 0))
                    .description("Jobs tracked here, by the state last published (not_seen: none yet)")
                    .tag("state", state).register(registry);
        }
    }

    /**
     * {@code monitor_ams_breaker_open}: 1 while the AMS circuit breaker refuses calls (OPEN, FORCED_OPEN);
     * {@code monitor_credentials_refused}: 1 once Entra ID refused the credentials and the monitor stopped
     * taking work (until a restart). Either bean may be absent (then no series).
     */
    static void registerStateGauges(MeterRegistry registry, AmsApiHealthCheck ams, RefusedCredentialsStop credentials) {
        if (ams != null) {
            Gauge.builder("monitor.ams.breaker.open", ams, a -> isOpen(a.circuitState()) ? 1 : 0)
                    .description("1 while the AMS circuit breaker refuses calls, else 0").register(registry);
        }
        if (credentials != null) {
            Gauge.builder("monitor.credentials.refused", credentials, c -> c.hasStopped() ? 1 : 0)
                    .description("1 once Entra ID refused the credentials: intake and checks stopped until a restart")
                    .register(registry);
        }
    }

    private static boolean isOpen(String circuitState) {
        return "OPEN".equals(circuitState) || "FORCED_OPEN".equals(circuitState);
    }
}
