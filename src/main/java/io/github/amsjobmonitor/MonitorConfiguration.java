package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.AmsAnswerSizeCap;
import io.github.amsjobmonitor.ams.AmsAnswers;
import io.github.amsjobmonitor.ams.AmsBackoff;
import io.github.amsjobmonitor.ams.AmsBase;
import io.github.amsjobmonitor.ams.AmsClient;
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
import io.github.amsjobmonitor.observe.Tracing;
import io.github.amsjobmonitor.logging.SecretMasking;
import io.github.amsjobmonitor.routes.RouteContract;
import io.github.amsjobmonitor.routes.RouteReloadGuard;
import io.github.amsjobmonitor.tracking.CutOffChecks;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.JobTracker;
import io.github.amsjobmonitor.tracking.ProgressPolicy;
import io.github.amsjobmonitor.tracking.ProgressReads;
import io.github.amsjobmonitor.tracking.TrackingCapacity;
import io.github.amsjobmonitor.tracking.TrackingService;
import io.github.amsjobmonitor.tracking.UnchangedChecks;
import io.github.amsjobmonitor.transport.LoopbackOrHttps;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
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
import org.apache.camel.component.http.HttpEndpoint;
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

    @BindToRegistry("tokenProvider")
    public TokenProvider tokenProvider(
            CamelContext camelContext,
            @PropertyInject("azure.ad.scope") String scope,
            @PropertyInject("monitor.token.connect-timeout") String connectTimeout,
            @PropertyInject("monitor.token.read-timeout") String readTimeout,
            @PropertyInject("monitor.token.retry-backoff") String retryBackoff,
            @PropertyInject("monitor.token.retry-backoff-max") String maxRetryBackoff,
            @PropertyInject("monitor.token.max-answer-size") String maxAnswerSize) {
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
            credentials.fileWarnings().forEach(LOG::warn);
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

    /** Suspends the routes that name it (routePolicy: refusedCredentialsStop) when Entra ID refuses the credentials. */
    @BindToRegistry("refusedCredentialsStop")
    public RefusedCredentialsStop refusedCredentialsStop() {
        return once("refusedCredentialsStop", RefusedCredentialsStop::new);
    }

    @BindToRegistry("credentialsHealthCheck")
    public CredentialsHealthCheck credentialsHealthCheck(@BeanInject("tokenProvider") TokenProvider tokens) {
        return new CredentialsHealthCheck(tokens);
    }

    @BindToRegistry("jobQuery")
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
    @BindToRegistry("amsBase")
    public AmsBase amsBase(@PropertyInject("ams.api-url") String apiUrl,
                           @PropertyInject("ams.redirect-hosts") String redirectHosts,
                           @BeanInject("tokenProvider") TokenProvider tokenProvider) {
        return once("amsBase", () -> {
            try {
                return new AmsBase(apiUrl, RedirectHosts.parse(redirectHosts), tokenProvider::tokenRequests);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("ams.redirect-hosts", e.getMessage());
            }
        });
    }

    /** The cap on AMS answers, installed on camel-http's client by camel.component.http.http-client-configurer. */
    @BindToRegistry("amsAnswerSizeCap")
    public AmsAnswerSizeCap amsAnswerSizeCap(@PropertyInject("ams.max-answer-size") String maxAnswerSize) {
        return new AmsAnswerSizeCap(bytes("ams.max-answer-size", maxAnswerSize));
    }

    /** The pause every AMS call honours while AMS throttles. */
    @BindToRegistry("amsBackoff")
    public AmsBackoff amsBackoff(@PropertyInject("ams.backoff.initial") String initial,
                                 @PropertyInject("ams.backoff.max") String max,
                                 @PropertyInject("ams.backoff.max-wait") String maxWait) {
        return once("amsBackoff", () -> new AmsBackoff(duration(initial), duration(max), duration(maxWait), CLOCK));
    }

    @BindToRegistry("amsAnswers")
    public AmsAnswers amsAnswers() {
        return new AmsAnswers();
    }

    @BindToRegistry("jobRequestParser")
    public JobRequestParser jobRequestParser(@PropertyInject("monitor.intake.max-correlation-bytes") String maxCorrelationBytes) {
        return new JobRequestParser(correlationBytes(maxCorrelationBytes));
    }

    /**
     * The circuit breaker over AMS requests (resilience4j, as camel-resilience4j configured it from the same
     * keys): it opens when ams.breaker.failure-rate percent of the last ams.breaker.window requests (at least
     * ams.breaker.minimum-calls) failed, refuses calls for ams.breaker.open-seconds, then lets
     * ams.breaker.half-open-calls through to probe.
     */
    @BindToRegistry("amsBreaker")
    public CircuitBreaker amsBreaker(@PropertyInject("ams.breaker.failure-rate") float failureRate,
                                     @PropertyInject("ams.breaker.window") int window,
                                     @PropertyInject("ams.breaker.minimum-calls") int minimumCalls,
                                     @PropertyInject("ams.breaker.open-seconds") int openSeconds,
                                     @PropertyInject("ams.breaker.half-open-calls") int halfOpenCalls) {
        return once("amsBreaker", () -> {
            try {
                return CircuitBreaker.of("ams", CircuitBreakerConfig.custom()
                        .failureRateThreshold(failureRate)
                        .slidingWindowSize(window)
                        .minimumNumberOfCalls(minimumCalls)
                        .waitDurationInOpenState(Duration.ofSeconds(openSeconds))
                        .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                        .build());
            } catch (IllegalArgumentException e) {
                // resilience4j names its own setting: say ours
                String message = String.valueOf(e.getMessage());
                String key = message.startsWith("failureRate") ? "ams.breaker.failure-rate"
                        : message.startsWith("slidingWindow") ? "ams.breaker.window"
                        : message.startsWith("minimumNumberOfCalls") ? "ams.breaker.minimum-calls"
                        : message.startsWith("waitDuration") ? "ams.breaker.open-seconds" : "ams.breaker.half-open-calls";
                throw new InvalidSettingException(key, key + " is not valid: " + message);
            }
        });
    }

    /** The AMS call: one bean for a Jobs() query or a Tasks read, with AMS's faults handled there (ams/AmsClient). */
    @BindToRegistry("amsClient")
    public AmsClient amsClient(CamelContext camelContext,
                               @PropertyInject("ams.api-url") String apiUrl,
                               @PropertyInject("ams.api-version") String apiVersion,
                               @PropertyInject("ams.retry.max-redeliveries") int maxRetries,
                               @PropertyInject("ams.retry.delay") String retryDelay,
                               @PropertyInject("ams.retry.max-delay") String retryMaxDelay,
                               @BeanInject("tokenProvider") TokenProvider tokenProvider,
                               @BeanInject("amsBase") AmsBase amsBase,
                               @BeanInject("amsBackoff") AmsBackoff amsBackoff,
                               @BeanInject("amsBreaker") CircuitBreaker amsBreaker) {
        return once("amsClient", () -> {
            AmsClient.Retries retries = new AmsClient.Retries(Math.max(0, maxRetries), duration("ams.retry.delay", retryDelay),
                    duration("ams.retry.max-delay", retryMaxDelay));
            return new AmsClient(() -> amsHttpEndpoint(camelContext, apiUrl).getHttpClient(), tokenProvider, amsBase, amsBackoff,
                    amsBreaker, retries, apiVersion);
        });
    }

    /**
     * camel-http's endpoint for AMS, made by the component named "http" whatever the scheme of ams.api-url:
     * camel.component.http.* (timeouts, the answer cap, the connection pool) configure that instance only,
     * and an https URL looked up by name would get the "https" component, a second instance they do not reach.
     * Its client does not retry by itself: HttpClient 5 would send a 429 or 503 again once after sleeping for
     * any Retry-After, past the shared pause and its ams.backoff.max-wait (AmsClient decides on retries).
     */
    static HttpEndpoint amsHttpEndpoint(CamelContext camelContext, String apiUrl) {
        try {
            HttpEndpoint endpoint = (HttpEndpoint) camelContext.getComponent("http").createEndpoint(apiUrl);
            endpoint.getClientBuilder().disableAutomaticRetries();
            // started and stopped with the context (its HTTP client is closed on stop)
            camelContext.addEndpoint("ams-client:" + apiUrl, endpoint);
            return endpoint;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the HTTP endpoint for ams.api-url", e);
        }
    }

    @BindToRegistry("jobTracker")
    public JobTracker jobTracker(@PropertyInject("monitor.tracking.max-duration") String maxDuration,
                                 @PropertyInject("monitor.progress.step") double progressStep,
                                 @PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new JobTracker(duration("monitor.tracking.max-duration", maxDuration),
                new ProgressPolicy(progressStep, duration("monitor.progress.heartbeat", progressHeartbeat)), CLOCK);
    }

    /** The jobs this instance tracks, in memory, and when each is due (see JobSchedule). */
    @BindToRegistry("jobSchedule")
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
    @BindToRegistry("jobChecks")
    public ExecutorService jobChecks(CamelContext camelContext, @PropertyInject("monitor.checks.parallel") int threads) {
        return once("jobChecks", () ->
                camelContext.getExecutorServiceManager().newFixedThreadPool(this, "job-checks", Math.max(1, threads)));
    }

    @BindToRegistry("jobIntake")
    public JobIntake jobIntake(@BeanInject("jobRequestParser") JobRequestParser parser, @BeanInject("jobSchedule") JobSchedule schedule) {
        return new JobIntake(parser, schedule, CLOCK);
    }

    @BindToRegistry("progressReads")
    public ProgressReads progressReads(@PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        // once: unchangedChecks must see the pause that read-tasks sets on the bound instance
        return once("progressReads", () -> new ProgressReads(duration("monitor.progress.heartbeat", progressHeartbeat), CLOCK));
    }

    @BindToRegistry("jobEvents")
    public JobEvents jobEvents(@PropertyInject("monitor.event.source") String source) {
        return new JobEvents(source);
    }

    @BindToRegistry("kafkaHeaderFilter")
    public KafkaHeaderFilter kafkaHeaderFilter() {
        return new KafkaHeaderFilter();
    }

    // Health and metrics (see docs/observing.md)

    @BindToRegistry("amsCalls")
    public AmsCalls amsCalls() {
        return new AmsCalls(CLOCK);
    }

    @BindToRegistry("monitorMetrics")
    public MonitorMetrics monitorMetrics(
            @BeanInject("amsCalls") AmsCalls amsCalls,
            @BeanInject("tokenProvider") TokenProvider tokenProvider,
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject("monitor.topic.tracking") String trackingTopic,
            @PropertyInject("monitor.topic.dead-letter") String deadLetterTopic) {
        return new MonitorMetrics(amsCalls, tokenProvider, schedule, trackingTopic, deadLetterTopic);
    }

    @BindToRegistry("entraTokenHealthCheck")
    public EntraTokenHealthCheck entraTokenHealthCheck(
            @BeanInject("tokenProvider") TokenProvider tokenProvider,
            @PropertyInject("monitor.health.token-recheck") String recheck) {
        return new EntraTokenHealthCheck(tokenProvider, duration(recheck), CLOCK);
    }

    @BindToRegistry("trackingHealthCheck")
    public TrackingHealthCheck trackingHealthCheck(@BeanInject("jobSchedule") JobSchedule schedule) {
        return new TrackingHealthCheck(schedule);
    }

    @BindToRegistry("amsApiHealthCheck")
    public AmsApiHealthCheck amsApiHealthCheck(
            @BeanInject("amsCalls") AmsCalls amsCalls,
            @PropertyInject("monitor.health.ams-failures") int failures) {
        return new AmsApiHealthCheck(amsCalls, failures);
    }

    /** Ends the checks that found nothing new in one step per batch (check-batch), see UnchangedChecks. */
    @BindToRegistry("unchangedChecks")
    public UnchangedChecks unchangedChecks(@BeanInject("jobSchedule") JobSchedule schedule,
                                           @PropertyInject("monitor.progress.enabled") boolean progressEnabled,
                                           @BeanInject("progressReads") ProgressReads progressReads) {
        return once("unchangedChecks", () -> new UnchangedChecks(schedule, progressEnabled, progressReads));
    }

    /** Puts a batch's jobs back in the schedule when Camel cuts its check off (check-batch), see CutOffChecks. */
    @BindToRegistry("cutOffChecks")
    public CutOffChecks cutOffChecks(@BeanInject("jobSchedule") JobSchedule schedule) {
        return once("cutOffChecks", () -> new CutOffChecks(schedule));
    }

    // Capacity (monitor.tracking.max-jobs, see TrackingCapacity)

    /** The most jobs this instance tracks; the default is sized from the heap (TrackingCapacity.defaultMaxJobs). */
    @BindToRegistry("trackingCapacity")
    public TrackingCapacity trackingCapacity(
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject("monitor.tracking.max-jobs") String maxJobs,
            @PropertyInject("monitor.intake.max-correlation-bytes") String maxCorrelationBytes) {
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
            @PropertyInject("monitor.tracking.max-jobs") String maxJobs,
            @PropertyInject("monitor.intake.max-correlation-bytes") String maxCorrelationBytes) {
        // the capacity made here, not injected: Camel may bind this method before trackingCapacity
        return once("intakeCapacity", () -> new IntakeCapacityPolicy(trackingCapacity(schedule, maxJobs, maxCorrelationBytes)));
    }

    @BindToRegistry("capacityHealthCheck")
    public CapacityHealthCheck capacityHealthCheck(
            @BeanInject("jobSchedule") JobSchedule schedule,
            @PropertyInject("monitor.tracking.max-jobs") String maxJobs,
            @PropertyInject("monitor.intake.max-correlation-bytes") String maxCorrelationBytes) {
        return new CapacityHealthCheck(intakeCapacity(schedule, maxJobs, maxCorrelationBytes));
    }

    @Override
    public void configure(CamelContext camelContext) {
        // unauthenticated health answers say UP/DOWN and name checks, no more, from the port's first answer (contract, "Trust")
        ManagementGuard.installBeforeServing(camelContext);
        // before the routes are made: Camel's tracer comes in as a route policy
        Tracing.installIfEnabled(camelContext);
        startTracking(camelContext);
        // camel-main looks event notifiers up before this class's beans are bound: add it by hand, and
        // let the context start and stop it (its meters are registered on start, its Admin client closed on stop)
        MonitorMetrics metrics = camelContext.getRegistry().lookupByNameAndType("monitorMetrics", MonitorMetrics.class);
        camelContext.getManagementStrategy().addEventNotifier(metrics);
        camelContext.getRegistry().lookupByNameAndType("amsClient", AmsClient.class).listenWith(metrics);
        try {
            camelContext.addService(metrics, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the metrics notifier", e);
        }
        // ams-api health shows the state of the AMS circuit breaker (bean amsBreaker, used by amsClient)
        AmsApiHealthCheck amsHealth = camelContext.getRegistry().lookupByNameAndType("amsApiHealthCheck", AmsApiHealthCheck.class);
        CircuitBreaker amsBreaker = camelContext.getRegistry().lookupByNameAndType("amsBreaker", CircuitBreaker.class);
        amsHealth.setCircuitState(() -> amsBreaker.getState().name());
        camelContext.getRegistry().lookupByNameAndType("refusedCredentialsStop", RefusedCredentialsStop.class)
                .attach(camelContext, camelContext.getRegistry().lookupByNameAndType("tokenProvider", TokenProvider.class));
        // the start fails when a route file lost a name the Java code reads
        RouteContract.checkWhenStarting(camelContext);
        // a route file change goes live only when the routes folder with it passes the same check as `validate`
        RouteReloadGuard.installWhenStarted(camelContext);
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
