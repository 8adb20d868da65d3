package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.JobQuery;
import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.events.JobEvents;
import io.github.amsjobmonitor.events.OutgoingHeaderFilter;
import io.github.amsjobmonitor.intake.JobRequestParser;
import io.github.amsjobmonitor.tracking.CheckTopic;
import io.github.amsjobmonitor.tracking.DueCheckGate;
import io.github.amsjobmonitor.tracking.JobTracker;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/** The beans the routes call, by the names the routes use, with their settings from the configuration. */
public class MonitorConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Clock clock() {
        return Clock.systemUTC();
    }

    @BindToRegistry
    public TokenProvider tokenProvider(
            @PropertyInject("azure.ad.authority-host") String authorityHost,
            @PropertyInject("azure.ad.tenant-id") String tenantId,
            @PropertyInject("azure.ad.client-id") String clientId,
            @PropertyInject("azure.ad.client-secret") String clientSecret,
            @PropertyInject("azure.ad.scope") String scope,
            @PropertyInject("monitor.token.connect-timeout") String connectTimeout,
            @PropertyInject("monitor.token.read-timeout") String readTimeout) {
        return new TokenProvider(authorityHost, tenantId, clientId, clientSecret, scope,
                duration(connectTimeout), duration(readTimeout), Clock.systemUTC());
    }

    @BindToRegistry
    public JobQuery jobQuery() {
        return new JobQuery();
    }

    @BindToRegistry
    public JobRequestParser jobRequestParser() {
        return new JobRequestParser();
    }

    @BindToRegistry
    public JobTracker jobTracker(@PropertyInject("monitor.poll.interval") String pollInterval) {
        return new JobTracker(duration(pollInterval), Clock.systemUTC());
    }

    @BindToRegistry
    public DueCheckGate dueCheckGate(@PropertyInject("monitor.poll.interval") String pollInterval) {
        return new DueCheckGate(Clock.systemUTC(), duration(pollInterval));
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
    }

    static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text));
    }
}
