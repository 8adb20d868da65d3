package io.github.amsjobmonitor.kafka;

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

    private final KafkaConfiguration configuration;

    public KafkaClientSettings(KafkaConfiguration configuration) {
        // Camel's createXxxProperties() may fill in the configuration (authType): work on our own copy
        this.configuration = configuration.copy();
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
