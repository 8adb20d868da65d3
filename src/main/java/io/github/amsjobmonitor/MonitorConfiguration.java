package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.AmsAnswers;
import io.github.amsjobmonitor.ams.AmsBackoff;
import io.github.amsjobmonitor.ams.AmsBase;
import io.github.amsjobmonitor.ams.AmsJobsRoute;
import io.github.amsjobmonitor.ams.BatchedJobLookup;
import io.github.amsjobmonitor.ams.JobQuery;
import io.github.amsjobmonitor.auth.CredentialsHealthCheck;
import io.github.amsjobmonitor.auth.RefusedCredentialsStop;
import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.events.JobEvents;
import io.github.amsjobmonitor.events.KafkaHeaderFilter;
import io.github.amsjobmonitor.intake.JobRequestParser;
import io.github.amsjobmonitor.observe.AmsApiHealthCheck;
import io.github.amsjobmonitor.observe.AmsCalls;
import io.github.amsjobmonitor.observe.ManagementGuard;
import io.github.amsjobmonitor.observe.EntraTokenHealthCheck;
import io.github.amsjobmonitor.observe.MonitorMetrics;
import io.github.amsjobmonitor.observe.TrackedJobs;
import io.github.amsjobmonitor.logging.SecretMasking;
import io.github.amsjobmonitor.routes.RouteReloadGuard;
import io.github.amsjobmonitor.tracking.CheckTopic;
import io.github.amsjobmonitor.tracking.DueCheckGate;
import io.github.amsjobmonitor.tracking.DuplicateCheckFilter;
import io.github.amsjobmonitor.tracking.JobTracker;
import io.github.amsjobmonitor.tracking.ProgressPolicy;
import io.github.amsjobmonitor.tracking.ProgressReads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.util.TimeUtils;

/** The beans the routes call, by the names the routes use, with their settings from the configuration. */
public class MonitorConfiguration implements CamelConfiguration {

    static final Duration LONGEST_POLL_INTERVAL = Duration.ofMinutes(4);
    private static final Clock CLOCK = Clock.systemUTC();

    @BindToRegistry
    public TokenProvider tokenProvider(
            @PropertyInject("azure.ad.authority-host") String authorityHost,
            @PropertyInject("azure.ad.tenant-id") String tenantId,
            @PropertyInject("azure.ad.client-id") String clientId,
            @PropertyInject("azure.ad.client-secret") String clientSecret,
            @PropertyInject("azure.ad.scope") String scope,
            @PropertyInject("monitor.token.connect-timeout") String connectTimeout,
            @PropertyInject("monitor.token.read-timeout") String readTimeout,
            @PropertyInject(value = "monitor.token.retry-backoff", defaultValue = "1s") String retryBackoff,
            @PropertyInject(value = "monitor.token.retry-backoff-max", defaultValue = "30s") String maxRetryBackoff) {
        required("azure.ad.tenant-id", tenantId, "the Entra ID tenant (directory) ID");
        required("azure.ad.client-id", clientId, "the service principal's application (client) ID");
        required("azure.ad.client-secret", clientSecret, "the service principal's secret");
        SecretMasking.registerSecret(clientSecret);
        Duration connect = duration("monitor.token.connect-timeout", connectTimeout);
        Duration read = duration("monitor.token.read-timeout", readTimeout);
        Duration backoff = duration("monitor.token.retry-backoff", retryBackoff);
        Duration maxBackoff = duration("monitor.token.retry-backoff-max", maxRetryBackoff);
        try {
            return new TokenProvider(authorityHost, tenantId, clientId, clientSecret, scope, connect, read, backoff, maxBackoff,
                    CLOCK);
        } catch (IllegalArgumentException e) {
            // its only settings checks are of the authority host; the message names the key
            throw new InvalidSettingException("azure.ad.authority-host", e.getMessage());
        }
    }

    /** Suspends the Kafka consumer routes when Entra ID refuses the credentials. */
    @BindToRegistry
    public RefusedCredentialsStop refusedCredentialsStop() {
        return new RefusedCredentialsStop(List.of("intake", "check"));
    }

    @BindToRegistry
    public CredentialsHealthCheck credentialsHealthCheck(@BeanInject("tokenProvider") TokenProvider tokens) {
        return new CredentialsHealthCheck(tokens);
    }

    @BindToRegistry
    public JobQuery jobQuery(@PropertyInject("ams.api-url") String apiUrl) {
        required("ams.api-url", apiUrl, "the AMS v2 REST base, e.g. https://acct.restv2.westeurope.media.azure.net/api/");
        if (!apiUrl.matches("https?://.+/")) {
            throw new InvalidSettingException("ams.api-url", "ams.api-url must be an http(s) URL ending in '/', got " + apiUrl);
        }
        return new JobQuery();
    }

    /** Where AMS requests go: ams.api-url, or where AMS last redirected to (until the next token). */
    @BindToRegistry
    public AmsBase amsBase(@PropertyInject("ams.api-url") String apiUrl, @BeanInject("tokenProvider") TokenProvider tokenProvider) {
        return new AmsBase(apiUrl, tokenProvider::tokenRequests);
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
    public BatchedJobLookup jobLookup(CamelContext camelContext, JobQuery jobQuery,
                                      @PropertyInject("ams.api-url") String apiUrl,
                                      @PropertyInject("monitor.batch.max-jobs") int maxJobs,
                                      @PropertyInject("monitor.batch.window") String window) {
        return new BatchedJobLookup(new AmsJobsRoute(camelContext), jobQuery, apiUrl + "Jobs()", maxJobs, duration(window));
    }

    @BindToRegistry
    public JobRequestParser jobRequestParser() {
        return new JobRequestParser();
    }

    @BindToRegistry
    public JobTracker jobTracker(@PropertyInject("monitor.poll.interval") String pollInterval,
                                 @PropertyInject("monitor.tracking.max-duration") String maxDuration,
                                 @PropertyInject("monitor.progress.step") double progressStep,
                                 @PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new JobTracker(duration("monitor.poll.interval", pollInterval), duration("monitor.tracking.max-duration", maxDuration),
                new ProgressPolicy(progressStep, duration("monitor.progress.heartbeat", progressHeartbeat)), CLOCK);
    }

    @BindToRegistry
    public ProgressReads progressReads(@PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new ProgressReads(duration("monitor.progress.heartbeat", progressHeartbeat), CLOCK);
    }

    @BindToRegistry
    public DuplicateCheckFilter duplicateChecks(@PropertyInject("monitor.poll.interval") String pollInterval) {
        return new DuplicateCheckFilter(duration("monitor.poll.interval", pollInterval), CLOCK);
    }

    @BindToRegistry
    public DueCheckGate dueCheckGate(@PropertyInject("monitor.poll.interval") String pollInterval) {
        Duration interval = duration("monitor.poll.interval", pollInterval);
        if (interval.compareTo(LONGEST_POLL_INTERVAL) > 0) {
            // a check consumer waits up to one interval without polling Kafka; past max.poll.interval.ms (5 min) it is thrown out of its group
            throw new InvalidSettingException("monitor.poll.interval", "monitor.poll.interval is " + pollInterval
                    + "; it must be at most 4m");
        }
        return new DueCheckGate(CLOCK, interval);
    }

    @BindToRegistry
    public JobEvents jobEvents(@PropertyInject("monitor.event.source") String source) {
        return new JobEvents(source);
    }

    @BindToRegistry
    public KafkaHeaderFilter kafkaHeaderFilter() {
        return new KafkaHeaderFilter();
    }

    @BindToRegistry
    public CheckTopic checkTopic(
            @PropertyInject("camel.component.kafka.brokers") String brokers,
            @PropertyInject("monitor.topic.checks") String topic,
            @PropertyInject("monitor.checks.partitions") int partitions) {
        return new CheckTopic(brokers, topic, partitions);
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
            @PropertyInject("camel.component.kafka.brokers") String brokers,
            @PropertyInject("monitor.topic.checks") String checksTopic,
            @PropertyInject("monitor.group-id") String groupId,
            @PropertyInject("monitor.topic.dead-letter") String deadLetterTopic,
            @PropertyInject("monitor.metrics.tracked-jobs-max-age") String trackedJobsMaxAge) {
        TrackedJobs trackedJobs = new TrackedJobs(brokers, checksTopic, groupId + "-checks", duration(trackedJobsMaxAge), CLOCK);
        return new MonitorMetrics(amsCalls, tokenProvider, trackedJobs, checksTopic, deadLetterTopic);
    }

    @BindToRegistry
    public EntraTokenHealthCheck entraTokenHealthCheck(
            @BeanInject("tokenProvider") TokenProvider tokenProvider,
            @PropertyInject("monitor.health.token-recheck") String recheck) {
        return new EntraTokenHealthCheck(tokenProvider, duration(recheck), CLOCK);
    }

    @BindToRegistry
    public AmsApiHealthCheck amsApiHealthCheck(
            @BeanInject("amsCalls") AmsCalls amsCalls,
            @PropertyInject("monitor.health.ams-failures") int failures) {
        return new AmsApiHealthCheck(amsCalls, failures);
    }

    @Override
    public void configure(CamelContext camelContext) {
        // the checks topic must exist with its partitions before the check route's consumers start
        camelContext.getRegistry().lookupByNameAndType("checkTopic", CheckTopic.class).ensureExists();
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

    static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }
}
