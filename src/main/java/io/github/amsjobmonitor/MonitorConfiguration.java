package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.JobQuery;
import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.events.JobEvents;
import io.github.amsjobmonitor.events.OutgoingHeaderFilter;
import io.github.amsjobmonitor.intake.JobRequestParser;
import io.github.amsjobmonitor.routes.RouteReloadGuard;
import io.github.amsjobmonitor.tracking.CheckTopic;
import io.github.amsjobmonitor.tracking.DueCheckGate;
import io.github.amsjobmonitor.tracking.DuplicateCheckFilter;
import io.github.amsjobmonitor.tracking.JobTracker;
import io.github.amsjobmonitor.tracking.ProgressPolicy;
import io.github.amsjobmonitor.tracking.ProgressReads;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
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
            @PropertyInject("monitor.token.read-timeout") String readTimeout) {
        required("azure.ad.tenant-id", tenantId, "the Entra ID tenant (directory) ID");
        required("azure.ad.client-id", clientId, "the service principal's application (client) ID");
        required("azure.ad.client-secret", clientSecret, "the service principal's secret");
        return new TokenProvider(authorityHost, tenantId, clientId, clientSecret, scope,
                duration(connectTimeout), duration(readTimeout), CLOCK);
    }

    @BindToRegistry
    public JobQuery jobQuery(@PropertyInject("ams.api-url") String apiUrl) {
        required("ams.api-url", apiUrl, "the AMS v2 REST base, e.g. https://acct.restv2.westeurope.media.azure.net/api/");
        if (!apiUrl.matches("https?://.+/")) {
            throw new IllegalArgumentException("ams.api-url must be an http(s) URL ending in '/', got " + apiUrl);
        }
        return new JobQuery();
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
        return new JobTracker(duration(pollInterval), duration(maxDuration),
                new ProgressPolicy(progressStep, duration(progressHeartbeat)), CLOCK);
    }

    @BindToRegistry
    public ProgressReads progressReads(@PropertyInject("monitor.progress.heartbeat") String progressHeartbeat) {
        return new ProgressReads(duration(progressHeartbeat), CLOCK);
    }

    @BindToRegistry
    public DuplicateCheckFilter duplicateChecks(@PropertyInject("monitor.poll.interval") String pollInterval) {
        return new DuplicateCheckFilter(duration(pollInterval), CLOCK);
    }

    @BindToRegistry
    public DueCheckGate dueCheckGate(@PropertyInject("monitor.poll.interval") String pollInterval) {
        Duration interval = duration(pollInterval);
        if (interval.compareTo(LONGEST_POLL_INTERVAL) > 0) {
            // a check consumer waits up to one interval without polling Kafka; past max.poll.interval.ms (5 min) it is thrown out of its group
            throw new IllegalArgumentException("monitor.poll.interval is " + pollInterval + "; it must be at most 4m");
        }
        return new DueCheckGate(CLOCK, interval);
    }

    @BindToRegistry
    public JobEvents jobEvents(@PropertyInject("monitor.event.source") String source) {
        return new JobEvents(source);
    }

    @BindToRegistry
    public OutgoingHeaderFilter outgoingHeaderFilter() {
        return new OutgoingHeaderFilter();
    }

    @BindToRegistry
    public CheckTopic checkTopic(
            @PropertyInject("camel.component.kafka.brokers") String brokers,
            @PropertyInject("monitor.topic.checks") String topic,
            @PropertyInject("monitor.checks.partitions") int partitions) {
        return new CheckTopic(brokers, topic, partitions);
    }

    @Override
    public void configure(CamelContext camelContext) {
        // the checks topic must exist with its partitions before the check route's consumers start
        camelContext.getRegistry().lookupByNameAndType("checkTopic", CheckTopic.class).ensureExists();
        // a route file change goes live only when the routes folder with it passes the same check as `validate`
        RouteReloadGuard.installWhenStarted(camelContext);
    }

    private static void required(String key, String value, String meaning) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required: " + meaning);
        }
    }

    static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }
}
