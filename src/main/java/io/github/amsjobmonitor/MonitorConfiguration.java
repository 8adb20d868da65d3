package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.AmsAnswerSizeCap;
import io.github.amsjobmonitor.ams.AmsAnswers;
import io.github.amsjobmonitor.ams.AmsBackoff;
import io.github.amsjobmonitor.ams.AmsBase;
import io.github.amsjobmonitor.ams.JobQuery;
import io.github.amsjobmonitor.ams.RedirectHosts;
import io.github.amsjobmonitor.auth.ClientCredentials;
import io.github.amsjobmonitor.auth.CredentialsHealthCheck;
import io.github.amsjobmonitor.auth.EntraSettings;
import io.github.amsjobmonitor.auth.RefusedCredentialsStop;
import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.auth.TokenUnavailableException;
import io.github.amsjobmonitor.events.JobEvents;
import io.github.amsjobmonitor.events.KafkaHeaderFilter;
import io.github.amsjobmonitor.intake.IntakeCapacityPolicy;
import io.github.amsjobmonitor.intake.JobIntake;
import io.github.amsjobmonitor.intake.JobRequestParser;
import io.github.amsjobmonitor.observe.AmsApiHealthCheck;
import io.github.amsjobmonitor.observe.AmsCalls;
import io.github.amsjobmonitor.observe.CapacityHealthCheck;
import io.github.amsjobmonitor.observe.ManagementGuard;
import io.github.amsjobmonitor.observe.EntraTokenHealthCheck;
import io.github.amsjobmonitor.observe.MonitorMetrics;
import io.github.amsjobmonitor.observe.TrackingHealthCheck;
import io.github.amsjobmonitor.logging.SecretMasking;
import io.github.amsjobmonitor.routes.RouteReloadGuard;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.JobTracker;
import io.github.amsjobmonitor.tracking.ProgressPolicy;
import io.github.amsjobmonitor.tracking.ProgressReads;
import io.github.amsjobmonitor.tracking.TrackingCapacity;
import io.github.amsjobmonitor.tracking.TrackingService;
import io.github.amsjobmonitor.transport.LoopbackOrHttps;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The beans the routes call, by the names the routes use, with their settings from the configuration. */
public class MonitorConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorConfiguration.class);

    /**
     * Beans already made by this configuration. Camel's bean post-processor calls every
     * {@code @BindToRegistry} method twice (its first and second pass both bind methods): without
     * this, each stateful bean (the schedule, the token provider and its MSAL application, thread
     * pools) would be made twice, and a bean injected in the first pass would not be the one bound.
     */
    private final Map<String, Object> made = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    private <T> T once(String name, Supplier<T> make) {
        Object bean = made.get(name);
        if (bean == null) {
            bean = make.get();
            made.put(name, bean);
        }
        return (T) bean;
    }
    private static final Clock CLOCK = Clock.systemUTC();
    /** 25 job IDs make a Jobs() URL of about 2,000 characters, a length some proxies and servers refuse beyond. */
    static final int MAX_JOBS_PER_REQUEST = 25;
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,12})\\s*(|KiB|MiB)\\s*");

    @BindToRegistry
    public TokenProvider tokenProvider(
            CamelContext camelContext,
            @PropertyInject("azure.ad.scope") String scope,
            @PropertyInject("monitor.token.connect-timeout") String connectTimeout,
            @PropertyInject("monitor.token.read-timeout") String readTimeout,
            @PropertyInject(value = "monitor.token.retry-backoff", defaultValue = "1s") String retryBackoff,
            @PropertyInject(value = "monitor.token.retry-backoff-max", defaultValue = "30s") String maxRetryBackoff,
            @PropertyInject(value = "monitor.token.max-answer-size", defaultValue = "1MiB") String maxAnswerSize) {
        return once("tokenProvider", () -> {
            // read by hand: the credential settings are optional, and AKS workload identity's variables are their defaults
            EntraSettings entra = EntraSettings.read(key -> camelContext.getPropertiesComponent().resolveProperty(key).orElse(null),
                    System.getenv());
            required("azure.ad.tenant-id", entra.tenantId(), "the Entra ID tenant (directory) ID (or AZURE_TENANT_ID)");
            required("azure.ad.client-id", entra.clientId(), "the service principal's application (client) ID (or AZURE_CLIENT_ID)");
            ClientCredentials credentials = ClientCredentials.from(entra, CLOCK);
            LOG.info("Entra ID credential of client {}: {}", entra.clientId(), credentials.description());
            if (credentials.warning() != null) {
                LOG.warn("{}: Entra ID will refuse it", credentials.warning());
            }
            Duration connect = duration("monitor.token.connect-timeout", connectTimeout);
            Duration read = duration("monitor.token.read-timeout", readTimeout);
            Duration backoff = duration("monitor.token.retry-backoff", retryBackoff);
            Duration maxBackoff = duration("monitor.token.retry-backoff-max", maxRetryBackoff);
            long maxAnswerBytes = bytes("monitor.token.max-answer-size", maxAnswerSize);
            try {
                return new TokenProvider(entra.authorityHost(), entra.tenantId(), entra.clientId(), credentials.credential(), scope,
                        connect, read, backoff, maxBackoff, maxAnswerBytes, CLOCK);
            } catch (TokenUnavailableException e) {
                // the credential's first read, for MSAL's application, failed (a file vanished since it was checked)
                throw new InvalidSettingException("azure.ad.client-secret-file", e.getMessage());
            } catch (IllegalArgumentException e) {
                // its only settings checks are of the authority host; the message names the key
                throw new InvalidSettingException("azure.ad.authority-host", e.getMessage());
            }
        });
    }

    /** Suspends the Kafka consumer routes when Entra ID refuses the credentials. */
    @BindToRegistry
    public RefusedCredentialsStop refusedCredentialsStop() {
        return new RefusedCredentialsStop(List.of("intake", "check", "check-batch"));
    }

    @BindToRegistry
    public CredentialsHealthCheck credentialsHealthCheck(@BeanInject("tokenProvider") TokenProvider tokens) {
        return new CredentialsHealthCheck(tokens);
    }

    @BindToRegistry
    public JobQuery jobQuery(@PropertyInject("ams.api-url") String apiUrl) {
        required("ams.api-url", apiUrl, "the AMS v2 REST base, e.g. https://acct.restv2.westeurope.media.azure.net/api/");
        // the bearer token goes with every request: https only, http for a loopback test setup
        LoopbackOrHttps.problem(apiUrl).ifPresent(problem -> {
            throw new InvalidSettingException("ams.api-url", "ams.api-url must be an https URL ending in '/': '" + apiUrl + "' " + problem);
        });
        if (!apiUrl.endsWith("/")) {
            throw new InvalidSettingException("ams.api-url", "ams.api-url must be an https URL ending in '/', got " + apiUrl);
        }
        return new JobQuery();
    }

    /** Where AMS requests go: ams.api-url, or where AMS last redirected to (until the next token). */
    @BindToRegistry
    public AmsBase amsBase(@PropertyInject("ams.api-url") String apiUrl,
                           @PropertyInject(value = "ams.redirect-hosts", defaultValue = RedirectHosts.AMS_V2_DOMAINS) String redirectHosts,
                           @BeanInject("tokenProvider") TokenProvider tokenProvider) {
        try {
            return new AmsBase(apiUrl, RedirectHosts.parse(redirectHosts), tokenProvider::tokenRequests);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ams.redirect-hosts", e.getMessage());
        }
    }

    /** The cap on AMS answers, installed on camel-http's client by camel.component.http.http-client-configurer. */
    @BindToRegistry
    public AmsAnswerSizeCap amsAnswerSizeCap(@PropertyInject(value = "ams.max-answer-size", defaultValue = "4MiB") String maxAnswerSize) {
        return new AmsAnswerSizeCap(bytes("ams.max-answer-size", maxAnswerSize));
    }

    /** The pause every AMS call honours while AMS throttles. */
    @BindToRegistry
    public AmsBackoff amsBackoff(@PropertyInject("ams.backoff.initial") String initial,
                                 @PropertyInject("ams.backoff.max") String max,
                                 @PropertyInject("ams.backoff.max-wait") String maxWait) {
        return new AmsBackoff(duration(initial), duration(max), duration(maxWait), CLOCK);
    }

    @BindToRegistry
    public AmsAnswers amsAnswers() {
        return new AmsAnswers();
    }

    @BindToRegistry
    public JobRequestParser jobRequestParser(@PropertyInject(value = "monitor.intake.max-correlation-bytes",
            defaultValue = "" + JobRequestParser.DEFAULT_MAX_CORRELATION_BYTES) String maxCorrelationBytes) {
        return new JobRequestParser(correlationBytes(maxCorrelationBytes));
    }

    @BindToRegistry
    public JobTracker jobTracker(@PropertyInject("monitor.tracking.max-duration") String maxDuration,
                                 @PropertyInject("monitor.progress.step") double progressStep,
                                 @PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new JobTracker(duration("monitor.tracking.max-duration", maxDuration),
                new ProgressPolicy(progressStep, duration("monitor.progress.heartbeat", progressHeartbeat)), CLOCK);
    }

    /** The jobs this instance tracks, in memory, and when each is due (see JobSchedule). */
    @BindToRegistry
    public JobSchedule jobSchedule(@PropertyInject("monitor.poll.interval") String pollInterval,
                                   @PropertyInject("monitor.batch.max-jobs") int maxJobs,
                                   @PropertyInject("monitor.batch.window") String window,
                                   @PropertyInject("monitor.ams.max-in-flight") int maxInFlight,
                                   @PropertyInject("camel.component.http.response-timeout") String responseTimeout) {
        return once("jobSchedule", () -> {
            Duration interval = duration("monitor.poll.interval", pollInterval);
            if (maxJobs < 1 || maxJobs > MAX_JOBS_PER_REQUEST) {
                throw new InvalidSettingException("monitor.batch.max-jobs", "monitor.batch.max-jobs is " + maxJobs
                        + "; it must be between 1 and " + MAX_JOBS_PER_REQUEST + " (longer URLs are refused by some servers)");
            }
            if (maxInFlight < 1) {
                throw new InvalidSettingException("monitor.ams.max-in-flight", "monitor.ams.max-in-flight is " + maxInFlight
                        + "; it must be at least 1");
            }
            // a check that has not ended long after every retry could have: a route was stopped under it
            Duration stuck = duration(responseTimeout).multipliedBy(4).plus(interval).plusMinutes(1);
            // twice the batches AMS serves at once: the next ones are ready when a request ends
            return new JobSchedule(interval, maxJobs, duration("monitor.batch.window", window), 2 * maxInFlight * maxJobs, stuck,
                    System::nanoTime);
        });
    }

    /** Runs the per-job part of a batch's checks side by side (check-batch's split). */
    @BindToRegistry
    public ExecutorService jobChecks(CamelContext camelContext, @PropertyInject("monitor.checks.parallel") int threads) {
        return once("jobChecks", () ->
                camelContext.getExecutorServiceManager().newFixedThreadPool(this, "job-checks", Math.max(1, threads)));
    }

    @BindToRegistry
    public JobIntake jobIntake(@BeanInject("jobRequestParser") JobRequestParser parser, @BeanInject("jobSchedule") JobSchedule schedule) {
        return new JobIntake(parser, schedule, CLOCK);
    }

    @BindToRegistry
    public ProgressReads progressReads(@PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new ProgressReads(duration("monitor.progress.heartbeat", progressHeartbeat), CLOCK);
    }

    @BindToRegistry
    public JobEvents jobEvents(@PropertyInject("monitor.event.source") String source) {
        return new JobEvents(source);
    }

    @BindToRegistry
    public KafkaHeaderFilter kafkaHeaderFilter() {
        return new KafkaHeaderFilter();
    }

    // Health and metrics (see docs/observing.md)

    @BindToRegistry
    public AmsCalls amsCalls() {
        return new AmsCalls(CLOCK);
    }

    @BindToRegistry
    public MonitorMetrics monitorMetrics(
            @BeanInject("amsCalls") AmsCalls amsCalls,
            @BeanInject("tokenProvider") TokenProvider tokenProvider,
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject("monitor.topic.tracking") String trackingTopic,
            @PropertyInject("monitor.topic.dead-letter") String deadLetterTopic) {
        return new MonitorMetrics(amsCalls, tokenProvider, schedule, trackingTopic, deadLetterTopic);
    }

    @BindToRegistry
    public EntraTokenHealthCheck entraTokenHealthCheck(
            @BeanInject("tokenProvider") TokenProvider tokenProvider,
            @PropertyInject("monitor.health.token-recheck") String recheck) {
        return new EntraTokenHealthCheck(tokenProvider, duration(recheck), CLOCK);
    }

    @BindToRegistry
    public TrackingHealthCheck trackingHealthCheck(@BeanInject("jobSchedule") JobSchedule schedule) {
        return new TrackingHealthCheck(schedule);
    }

    @BindToRegistry
    public AmsApiHealthCheck amsApiHealthCheck(
            @BeanInject("amsCalls") AmsCalls amsCalls,
            @PropertyInject("monitor.health.ams-failures") int failures) {
        return new AmsApiHealthCheck(amsCalls, failures);
    }

    // Capacity (monitor.tracking.max-jobs, see TrackingCapacity)

    /** The most jobs this instance tracks; the default is sized from the heap (TrackingCapacity.defaultMaxJobs). */
    @BindToRegistry("trackingCapacity")
    public TrackingCapacity trackingCapacity(
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject(value = "monitor.tracking.max-jobs", defaultValue = "") String maxJobs,
            @PropertyInject(value = "monitor.intake.max-correlation-bytes",
                    defaultValue = "" + JobRequestParser.DEFAULT_MAX_CORRELATION_BYTES) String maxCorrelationBytes) {
        return once("trackingCapacity", () -> {
            int max = maxJobs == null || maxJobs.isBlank()
                    ? TrackingCapacity.defaultMaxJobs(Runtime.getRuntime().maxMemory(), correlationBytes(maxCorrelationBytes))
                    : count("monitor.tracking.max-jobs", maxJobs, 1);
            LOG.info("This instance tracks at most {} jobs (monitor.tracking.max-jobs{})", max,
                    maxJobs == null || maxJobs.isBlank() ? ", sized from the heap" : "");
            return new TrackingCapacity(schedule, max);
        });
    }

    /** Pauses intake while this instance is full (the intake route's routePolicy). */
    @BindToRegistry("intakeCapacity")
    public IntakeCapacityPolicy intakeCapacity(
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject(value = "monitor.tracking.max-jobs", defaultValue = "") String maxJobs,
            @PropertyInject(value = "monitor.intake.max-correlation-bytes",
                    defaultValue = "" + JobRequestParser.DEFAULT_MAX_CORRELATION_BYTES) String maxCorrelationBytes) {
        // the capacity made here, not injected: Camel may bind this method before trackingCapacity
        return once("intakeCapacity", () -> new IntakeCapacityPolicy(trackingCapacity(schedule, maxJobs, maxCorrelationBytes)));
    }

    @BindToRegistry("capacityHealthCheck")
    public CapacityHealthCheck capacityHealthCheck(
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject(value = "monitor.tracking.max-jobs", defaultValue = "") String maxJobs,
            @PropertyInject(value = "monitor.intake.max-correlation-bytes",
                    defaultValue = "" + JobRequestParser.DEFAULT_MAX_CORRELATION_BYTES) String maxCorrelationBytes) {
        return new CapacityHealthCheck(intakeCapacity(schedule, maxJobs, maxCorrelationBytes));
    }

    @Override
    public void configure(CamelContext camelContext) {
        startTracking(camelContext);
        // camel-main looks event notifiers up before this class's beans are bound: add it by hand, and
        // let the context start and stop it (its meters are registered on start, its Admin client closed on stop)
        MonitorMetrics metrics = camelContext.getRegistry().lookupByNameAndType("monitorMetrics", MonitorMetrics.class);
        camelContext.getManagementStrategy().addEventNotifier(metrics);
        try {
            camelContext.addService(metrics, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the metrics notifier", e);
        }
        // ams-api health shows the state of the circuit breaker of routes/ams-request (step ams-breaker),
        // looked up on each probe because a route reload makes a new breaker
        AmsApiHealthCheck amsHealth = camelContext.getRegistry().lookupByNameAndType("amsApiHealthCheck", AmsApiHealthCheck.class);
        amsHealth.setCircuitState(() -> {
            ResilienceProcessor breaker = camelContext.getProcessor("ams-breaker", ResilienceProcessor.class);
            return breaker == null || breaker.getCircuitBreaker() == null ? null : breaker.getCircuitBreaker().getState().name();
        });
        camelContext.getRegistry().lookupByNameAndType("refusedCredentialsStop", RefusedCredentialsStop.class)
                .attach(camelContext, camelContext.getRegistry().lookupByNameAndType("tokenProvider", TokenProvider.class));
        // a route file change goes live only when the routes folder with it passes the same check as `validate`
        RouteReloadGuard.installWhenStarted(camelContext);
        // unauthenticated health answers say UP/DOWN and name checks, no more (contract, "Trust")
        ManagementGuard.installWhenStarted(camelContext);
    }

    /** Tracking starts with the context: topic, carried-over jobs, restore (see TrackingService). */
    private static void startTracking(CamelContext camelContext) {
        JobSchedule schedule = camelContext.getRegistry().lookupByNameAndType("jobSchedule", JobSchedule.class);
        TrackingCapacity capacity = camelContext.getRegistry().lookupByNameAndType("trackingCapacity", TrackingCapacity.class);
        try {
            camelContext.addService(new TrackingService(camelContext, schedule, capacity), true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start tracking", e);
        }
    }

    private static void required(String key, String value, String meaning) {
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(key, key + " is required: " + meaning);
        }
    }

    /** The setting {@code key} as a duration; a malformed one stops the start with a line naming the key. */
    static Duration duration(String key, String text) {
        try {
            Duration value = duration(text);
            if (value.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return value;
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, key + " is '" + text + "'; expected a duration such as 500ms, 15s, 2m or 48h");
        }
    }

    /** monitor.intake.max-correlation-bytes: a size like every size setting (4096, 4KiB). */
    static int correlationBytes(String text) {
        long value = bytes("monitor.intake.max-correlation-bytes", text);
        if (value > JobRequestParser.MAX_BYTES) {
            throw new InvalidSettingException("monitor.intake.max-correlation-bytes", "monitor.intake.max-correlation-bytes is '"
                    + text + "'; a job request is at most " + JobRequestParser.MAX_BYTES + " bytes");
        }
        return (int) value;
    }

    /** The setting {@code key} as a whole number of at least {@code least}; anything else stops the start naming the key. */
    static int count(String key, String text, int least) {
        try {
            int value = Integer.parseInt(text == null ? "" : text.strip());
            if (value >= least) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidSettingException(key, key + " is '" + text + "'; expected a whole number of at least " + least);
    }

    /** The setting {@code key} as a positive number of bytes: {@code 4194304}, {@code 64KiB} or {@code 4MiB}. */
    static long bytes(String key, String text) {
        Matcher size = SIZE.matcher(text == null ? "" : text);
        long value = size.matches() ? Long.parseLong(size.group(1)) * switch (size.group(2)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            default -> 1L;
        } : 0;
        if (value <= 0) {
            throw new InvalidSettingException(key, key + " is '" + text + "'; expected a size such as 4194304, 64KiB or 4MiB");
        }
        return value;
    }

    static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }
}
