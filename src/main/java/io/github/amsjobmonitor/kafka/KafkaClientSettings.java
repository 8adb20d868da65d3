package io.github.amsjobmonitor.kafka;

import io.github.amsjobmonitor.InvalidSettingException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The one place the Kafka clients the monitor makes itself (the tracking consumer, the Admin client)
 * get their settings: from the Camel Kafka component's configuration ({@code camel.component.kafka.*}),
 * the same that the routes' endpoints use, so brokers, security protocol, SASL and TLS settings are
 * the same for every client.
 */
public final class KafkaClientSettings {

    /** Host name endings of Kafka endpoints that speak only TLS: Azure Event Hubs, public and sovereign clouds. */
    static final List<String> TLS_ONLY_HOSTS = List.of(
            ".servicebus.windows.net", ".servicebus.chinacloudapi.cn", ".servicebus.usgovcloudapi.net", ".servicebus.cloudapi.de");

    /** Azure Event Hubs' close of idle connections, and its largest request (Microsoft, "Apache Kafka client configurations for Azure Event Hubs"). */
    static final long EVENT_HUBS_IDLE_MS = 240_000;
    static final long EVENT_HUBS_MAX_REQUEST_BYTES = 1_046_528;

    private final KafkaConfiguration configuration;

    public KafkaClientSettings(KafkaConfiguration configuration) {
        // Camel's createXxxProperties() may fill in the configuration (authType): work on our own copy
        this.configuration = configuration.copy();
        refusePlaintextToTlsOnlyBrokers(this.configuration);
        refuseWhatEventHubsRefuses(this.configuration);
    }

    /**
     * KAFKA-4090: a client set to PLAINTEXT or SASL_PLAINTEXT that reaches a TLS port reads the TLS alert
     * ({@code 15 03 03 00 02}) as the size of an answer, 352,518,912 bytes, and allocates it, once per
     * connection. kafka-clients 3.9.1 gives clients no cap on that size (its Selector is built with
     * {@code NetworkReceive.UNLIMITED}; KIP-498 was never merged), so the cheap defence left is to refuse,
     * before any client connects, the one mix-up that is certain: a plaintext protocol towards Azure
     * Event Hubs, which speaks only TLS. (The tracking service builds these settings before the routes
     * start their clients.) Other brokers are not probed.
     */
    static void refusePlaintextToTlsOnlyBrokers(KafkaConfiguration configuration) {
        String protocol = configuration.getSecurityProtocol() == null
                ? "PLAINTEXT" : configuration.getSecurityProtocol().trim().toUpperCase(Locale.ROOT);
        if ((!protocol.equals("PLAINTEXT") && !protocol.equals("SASL_PLAINTEXT")) || configuration.getBrokers() == null) {
            return;
        }
        String broker = eventHubsBroker(configuration);
        if (broker != null) {
            throw new InvalidSettingException("camel.component.kafka.security-protocol",
                    "camel.component.kafka.security-protocol is " + protocol + " but " + broker
                            + " (Azure Event Hubs) speaks only TLS: set SASL_SSL (a plaintext client would read"
                            + " its TLS alert as a 336 MiB answer, KAFKA-4090)");
        }
    }

    /** The first of the brokers that is an Azure Event Hubs namespace, or null. */
    static String eventHubsBroker(KafkaConfiguration configuration) {
        if (configuration.getBrokers() == null) {
            return null;
        }
        for (String broker : configuration.getBrokers().split(",")) {
            String host = broker.trim().replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            if (TLS_ONLY_HOSTS.stream().anyMatch(host::endsWith)) {
                return broker.trim();
            }
        }
        return null;
    }

    /**
     * Event Hubs' Kafka endpoint refuses, or breaks under, client settings Apache Kafka accepts: it takes
     * only gzip or no compression, closes a connection that sends a request of 1,046,528 bytes or more,
     * enforces 20 s per request internally (an idempotent producer needs 60 s to be safe), closes
     * connections idle for 240 s (metadata and idle connections must be renewed before) and takes
     * session timeouts of 6 to 300 s. Checked on what the clients really get (camel-kafka's properties,
     * Camel's own defaults included), before any client connects; the first setting that breaks a rule
     * stops the start with one line naming the key. Other brokers are not checked.
     */
    static void refuseWhatEventHubsRefuses(KafkaConfiguration configuration) {
        String broker = eventHubsBroker(configuration);
        if (broker == null) {
            return;
        }
        Properties producer = configuration.createProducerProperties();
        Properties consumer = configuration.createConsumerProperties();
        String compression = String.valueOf(producer.getOrDefault("compression.type", "none")).trim().toLowerCase(Locale.ROOT);
        if (!compression.equals("none") && !compression.equals("gzip")) {
            throw eventHubsRefuses(broker, "compression-codec", compression, "takes only gzip or none");
        }
        long maxRequest = number(producer, "max.request.size", 1_048_576);
        if (maxRequest >= EVENT_HUBS_MAX_REQUEST_BYTES) {
            throw eventHubsRefuses(broker, "max-request-size", maxRequest, "closes the connection at 1046528 bytes: 1000000 is safe");
        }
        long requestTimeout = number(producer, "request.timeout.ms", 30_000);
        if (Boolean.parseBoolean(String.valueOf(producer.get("enable.idempotence"))) && requestTimeout < 60_000) {
            throw eventHubsRefuses(broker, "request-timeout-ms", requestTimeout, "needs at least 60000 for an idempotent producer");
        }
        for (Properties client : new Properties[] {producer, consumer}) {
            long metadataAge = number(client, "metadata.max.age.ms", 300_000);
            if (metadataAge >= EVENT_HUBS_IDLE_MS) {
                throw eventHubsRefuses(broker, "metadata-max-age-ms", metadataAge, "closes idle connections after 240000 ms: 180000 is safe");
            }
            long idle = number(client, "connections.max.idle.ms", 540_000);
            if (idle >= EVENT_HUBS_IDLE_MS) {
                throw eventHubsRefuses(broker, "connection-max-idle-ms", idle, "closes idle connections after 240000 ms: 180000 is safe");
            }
        }
        long session = number(consumer, "session.timeout.ms", 45_000);
        if (session < 6_000 || session > 300_000) {
            throw eventHubsRefuses(broker, "session-timeout-ms", session, "takes 6000 to 300000");
        }
    }

    private static InvalidSettingException eventHubsRefuses(String broker, String option, Object value, String rule) {
        String key = "camel.component.kafka." + option;
        return new InvalidSettingException(key, key + " is " + value + " but " + broker + " (Azure Event Hubs) " + rule
                + " (see docs/operating.md, \"Azure Event Hubs as the Kafka\")");
    }

    private static long number(Properties client, String key, long kafkaDefault) {
        Object value = client.get(key);
        return value == null ? kafkaDefault : Long.parseLong(String.valueOf(value).trim());
    }

    /**
     * Whether topics must exist before the monitor starts: Azure Event Hubs lets no client create them
     * (no AdminClient topic management; event hubs are made in the portal, with the CLI or ARM).
     */
    public boolean topicsMadeInAdvance() {
        return eventHubsBroker(configuration) != null;
    }

    public static KafkaClientSettings of(CamelContext camelContext) {
        return of(camelContext.getComponent("kafka", KafkaComponent.class));
    }

    /**
     * As the component configures each endpoint it creates: a copy of its configuration, given the
     * context's global {@code SSLContextParameters} when {@code use-global-ssl-context-parameters} is on
     * and no parameters of its own are set ({@code KafkaComponent#createEndpoint} does the same).
     */
    public static KafkaClientSettings of(KafkaComponent component) {
        KafkaConfiguration configuration = component.getConfiguration().copy();
        if (configuration.getSslContextParameters() == null && component.isUseGlobalSslContextParameters()) {
            configuration.setSslContextParameters(component.retrieveGlobalSslContextParameters());
        }
        return new KafkaClientSettings(configuration);
    }

    /** A consumer's settings (security included), for the given group. */
    public Properties consumer(String groupId) {
        Properties props = configuration.createConsumerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return props;
    }

    /** A producer's settings (security, acks=all and idempotence included). */
    public Properties producer() {
        Properties props = configuration.createProducerProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        return props;
    }

    /**
     * An Admin client's settings: the consumer's connection and security settings that Admin knows
     * ({@code security.protocol}, every {@code sasl.*} and {@code ssl.*} client setting is one of them).
     */
    public Properties admin() {
        Properties all = consumer("unused");
        Set<String> known = AdminClientConfig.configNames();
        Properties props = new Properties();
        all.forEach((key, value) -> {
            if (known.contains(key.toString())) {
                props.put(key, value);
            }
        });
        return props;
    }
}
