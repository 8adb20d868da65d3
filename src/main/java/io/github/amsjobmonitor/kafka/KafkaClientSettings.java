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

    private final KafkaConfiguration configuration;

    public KafkaClientSettings(KafkaConfiguration configuration) {
        // Camel's createXxxProperties() may fill in the configuration (authType): work on our own copy
        this.configuration = configuration.copy();
        refusePlaintextToTlsOnlyBrokers(this.configuration);
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
        for (String broker : configuration.getBrokers().split(",")) {
            String host = broker.trim().replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            if (TLS_ONLY_HOSTS.stream().anyMatch(host::endsWith)) {
                throw new InvalidSettingException("camel.component.kafka.security-protocol",
                        "camel.component.kafka.security-protocol is " + protocol + " but " + broker.trim()
                                + " (Azure Event Hubs) speaks only TLS: set SASL_SSL (a plaintext client would read"
                                + " its TLS alert as a 336 MiB answer, KAFKA-4090)");
            }
        }
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
