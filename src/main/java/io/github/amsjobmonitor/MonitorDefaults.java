package io.github.amsjobmonitor;

import io.github.amsjobmonitor.ams.RedirectHosts;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting's default, in one place. Camel-main takes them as its initial properties, the lowest
 * layer: {@code application.properties}, {@code -Dkey=value} and environment variables override them,
 * and a file that lacks a key (a ConfigMap with only the required keys) no longer loses its value.
 * Above all the security defaults: the Kafka header filter, the AMS answer cap, the management server on
 * loopback only, health details behind credentials. {@code application.properties} documents the same
 * keys with the same values (a test holds them equal).
 *
 * <p>The keys without a default ({@code ams.api-url}, {@code azure.ad.tenant-id}, {@code azure.ad.client-id}
 * and the credential) are listed blank, so that a missing one stops the start with the monitor's own line
 * ("ams.api-url is required: ...") rather than Camel's "Property with key [...] not found".
 */
public final class MonitorDefaults {

    private static final Map<String, String> DEFAULTS = defaults();

    private MonitorDefaults() {
    }

    /** Key -> default value, in the order of application.properties. */
    public static Map<String, String> all() {
        return DEFAULTS;
    }

    /** The defaults as camel-main's initial properties. */
    public static Properties properties() {
        Properties properties = new Properties();
        properties.putAll(DEFAULTS);
        return properties;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("camel.main.name", "ams-job-monitor");
        d.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        d.put("camel.main.shutdown-timeout", "4");
        d.put("camel.component.direct.block", "false");
        d.put("camel.main.routes-reload-enabled", "true");
        d.put("camel.main.routes-reload-directory", "routes");
        d.put("camel.main.routes-reload-pattern", "*.camel.yaml");

        // management server: loopback only (Camel's own default is 0.0.0.0), details behind credentials
        d.put("camel.management.enabled", "true");
        d.put("camel.management.host", "127.0.0.1");
        d.put("camel.management.port", "9876");
        d.put("camel.management.health-check-enabled", "true");
        d.put("camel.management.metrics-enabled", "true");
        d.put("camel.metrics.enabled", "true");
        d.put("camel.metrics.clear-on-reload", "false");
        d.put("camel.metrics.enable-exchange-event-notifier", "false");
        d.put("camel.management.authentication-enabled", "false");
        d.put("monitor.observe.details-without-authentication", "false");
        d.put("monitor.observe.metrics-need-credentials", "false");
        d.put("camel.health.exposure-level", "full");
        d.put("monitor.health.token-recheck", "30s");
        d.put("monitor.health.ams-failures", "3");

        // Kafka: settings that hold on Apache Kafka and on Azure Event Hubs alike (docs/operating.md)
        d.put("camel.component.kafka.brokers", "localhost:9092");
        d.put("camel.component.kafka.header-filter-strategy", "#kafkaHeaderFilter");
        d.put("camel.component.kafka.request-required-acks", "all");
        d.put("camel.component.kafka.enable-idempotence", "true");
        d.put("camel.component.kafka.linger-ms", "5");
        d.put("camel.component.kafka.compression-codec", "gzip");
        d.put("camel.component.kafka.max-request-size", "1000000");
        d.put("camel.component.kafka.request-timeout-ms", "60000");
        d.put("camel.component.kafka.metadata-max-age-ms", "180000");
        d.put("camel.component.kafka.connection-max-idle-ms", "180000");
        d.put("camel.component.kafka.session-timeout-ms", "10000");
        d.put("camel.component.kafka.heartbeat-interval-ms", "3000");
        d.put("monitor.kafka-write.retries", "5");
        d.put("monitor.kafka-write.retry-delay", "500");
        d.put("camel.component.kafka.poll-timeout-ms", "500");

        // topics (contract)
        d.put("monitor.topic.job-ids", "job-ids");
        d.put("monitor.topic.job-status", "job-status");
        d.put("monitor.topic.job-finished", "job-finished");
        d.put("monitor.topic.job-errored", "job-errored");
        d.put("monitor.topic.job-canceled", "job-canceled");
        d.put("monitor.topic.dead-letter", "job-ids.dlq");
        d.put("monitor.topic.job-progress", "job-progress");

        // tracking, batching, progress
        d.put("monitor.poll.interval", "15s");
        d.put("monitor.topic.tracking", "job-tracking");
        d.put("monitor.tracking.partitions", "32");
        d.put("monitor.group-id", "ams-job-monitor");
        d.put("monitor.schedule.tick", "50");
        d.put("monitor.intake.max-batch", "500");
        d.put("monitor.intake.max-correlation-bytes", "4096");
        d.put("monitor.tracing.enabled", "false");
        d.put("monitor.not-found.max-attempts", "20");
        d.put("monitor.tracking.max-duration", "48h");
        // empty: sized from the heap (TrackingCapacity.defaultMaxJobs)
        d.put("monitor.tracking.max-jobs", "");
        d.put("monitor.topic.checks", "job-checks");
        d.put("monitor.batch.max-jobs", "20");
        d.put("monitor.batch.window", "50ms");
        d.put("monitor.ams.max-in-flight", "16");
        d.put("monitor.checks.parallel", "32");
        d.put("monitor.progress.enabled", "true");
        d.put("monitor.progress.step", "5");
        d.put("monitor.progress.heartbeat", "30s");
        d.put("monitor.event.source", "/ams-job-monitor");

        // AMS v2 REST
        d.put("ams.api-url", "");
        d.put("ams.api-version", "2.19");
        d.put("ams.redirect-hosts", RedirectHosts.AMS_V2_DOMAINS);
        d.put("camel.component.http.connect-timeout", "5000");
        d.put("camel.component.http.response-timeout", "15000");
        d.put("ams.max-answer-size", "4MiB");
        d.put("camel.component.http.http-client-configurer", "#amsAnswerSizeCap");
        d.put("ams.backoff.initial", "1s");
        d.put("ams.backoff.max", "30s");
        d.put("ams.backoff.max-wait", "10s");
        d.put("ams.retry.max-redeliveries", "2");
        d.put("ams.retry.delay", "1000");
        d.put("ams.retry.max-delay", "4000");
        d.put("ams.breaker.failure-rate", "50");
        d.put("ams.breaker.window", "20");
        d.put("ams.breaker.minimum-calls", "10");
        d.put("ams.breaker.open-seconds", "30");
        d.put("ams.breaker.half-open-calls", "3");

        // Entra ID: required or optional without a default value (see EntraSettings for the AZURE_* fall-backs)
        d.put("azure.ad.authority-host", "");
        d.put("azure.ad.tenant-id", "");
        d.put("azure.ad.client-id", "");
        d.put("azure.ad.client-secret", "");
        d.put("azure.ad.client-secret-file", "");
        d.put("azure.ad.client-certificate-path", "");
        d.put("azure.ad.client-certificate-key-path", "");
        d.put("azure.ad.client-certificate-password", "");
        d.put("azure.ad.federated-token-file", "");
        d.put("azure.ad.scope", "https://rest.media.azure.net/.default");
        d.put("monitor.token.connect-timeout", "5s");
        d.put("monitor.token.read-timeout", "10s");
        d.put("monitor.token.max-answer-size", "1MiB");
        d.put("monitor.token.retry-backoff", "1s");
        d.put("monitor.token.retry-backoff-max", "30s");
        return Collections.unmodifiableMap(d);
    }
}
