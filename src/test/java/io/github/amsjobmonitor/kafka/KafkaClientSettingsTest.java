package io.github.amsjobmonitor.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.InvalidSettingException;
import io.github.amsjobmonitor.MonitorDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Kafka client the monitor makes itself (consumer, producer, Admin) gets the security settings
 * an operator gives the routes through {@code camel.component.kafka.*}: bound by camel-main from the
 * very keys the README documents, not set by hand on a configuration object.
 */
class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"monitor\" password=\"s3cret\";";

    /** The security settings as an operator writes them, and the Kafka client setting each one must become. */
    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        expect("security-protocol", "security.protocol", "SASL_SSL");
        expect("sasl-mechanism", "sasl.mechanism", "SCRAM-SHA-512");
        expect("sasl-jaas-config", "sasl.jaas.config", JAAS);
        expect("ssl-truststore-location", "ssl.truststore.location", "/etc/kafka/truststore.p12");
        expect("ssl-truststore-password", "ssl.truststore.password", "trust-pw");
        expect("ssl-truststore-type", "ssl.truststore.type", "PKCS12");
        expect("ssl-keystore-location", "ssl.keystore.location", "/etc/kafka/monitor.p12");
        expect("ssl-keystore-password", "ssl.keystore.password", "store-pw");
        expect("ssl-key-password", "ssl.key.password", "key-pw");
        expect("ssl-keystore-type", "ssl.keystore.type", "PKCS12");
        expect("ssl-endpoint-algorithm", "ssl.endpoint.identification.algorithm", "https");
        expect("ssl-enabled-protocols", "ssl.enabled.protocols", "TLSv1.3");
        // anything camel-kafka has no option for goes through additional-properties[...]
        expect("additional-properties[sasl.login.connect.timeout.ms]", "sasl.login.connect.timeout.ms", "15000");
        expect("additional-properties[ssl.truststore.certificates]", "ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----");
    }

    private static void expect(String camelKey, String kafkaKey, String value) {
        KEYS.put("camel.component.kafka." + camelKey, value);
        EXPECTED.put(kafkaKey, value);
    }

    @Test
    void should_give_consumer_producer_and_admin_every_security_setting_of_the_kafka_component() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(KEYS);
        settings.put("camel.component.kafka.brokers", "broker-1:9093,broker-2:9093");
        KafkaClientSettings kafka = KafkaClientSettings.of(startedMain(settings).getCamelContext());

        assertCarries("consumer", kafka.consumer("g"));
        assertCarries("producer", kafka.producer());
        assertCarries("admin", kafka.admin());
        assertEquals("g", kafka.consumer("g").get("group.id"));
    }

    @Test
    void should_keep_only_settings_admin_knows() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(KEYS);
        settings.put("camel.component.kafka.brokers", "broker-1:9093");
        Properties admin = KafkaClientSettings.of(startedMain(settings).getCamelContext()).admin();

        for (String consumerOnly : new String[] {"group.id", "key.deserializer", "value.deserializer", "auto.offset.reset",
                "enable.auto.commit", "max.poll.records"}) {
            assertFalse(admin.containsKey(consumerOnly), consumerOnly + " in " + admin.keySet());
        }
    }

    @Test
    void should_take_the_global_ssl_context_parameters_as_the_routes_do() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.component.kafka.brokers", "broker-1:9093");
        settings.put("camel.component.kafka.security-protocol", "SSL");
        settings.put("camel.component.kafka.use-global-ssl-context-parameters", "true");
        Main main = startedMain(settings);
        KeyStoreParameters trustStore = new KeyStoreParameters();
        trustStore.setResource("file:/etc/kafka/ca.p12");
        trustStore.setPassword("ca-pw");
        trustStore.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(trustStore);
        SSLContextParameters global = new SSLContextParameters();
        global.setTrustManagers(trust);
        main.getCamelContext().setSSLContextParameters(global);

        KafkaClientSettings kafka = KafkaClientSettings.of(main.getCamelContext().getComponent("kafka", KafkaComponent.class));

        for (Properties props : new Properties[] {kafka.consumer("g"), kafka.producer(), kafka.admin()}) {
            assertEquals("SSL", props.get("security.protocol"));
            assertEquals("/etc/kafka/ca.p12", props.get("ssl.truststore.location"));
            assertEquals("ca-pw", props.get("ssl.truststore.password"));
        }
    }

    @Test
    void should_not_change_the_components_own_configuration() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(KEYS);
        settings.put("camel.component.kafka.brokers", "broker-1:9093");
        KafkaComponent component = startedMain(settings).getCamelContext().getComponent("kafka", KafkaComponent.class);
        KafkaClientSettings kafka = KafkaClientSettings.of(component);

        kafka.consumer("g").put("ssl.truststore.location", "elsewhere");

        assertEquals("/etc/kafka/truststore.p12", component.getConfiguration().getSslTruststoreLocation());
        assertEquals("/etc/kafka/truststore.p12", kafka.admin().get("ssl.truststore.location"));
    }

    @Test
    void should_refuse_a_plaintext_protocol_towards_azure_event_hubs_before_any_client_connects() {
        for (String protocol : new String[] {null, "PLAINTEXT", "SASL_PLAINTEXT"}) {
            KafkaConfiguration configuration = new KafkaConfiguration();
            configuration.setBrokers("other:9092, ns1.servicebus.windows.net:9093");
            configuration.setSecurityProtocol(protocol);

            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> new KafkaClientSettings(configuration));

            assertEquals("camel.component.kafka.security-protocol", refused.getKey());
            assertTrue(refused.getMessage().contains("ns1.servicebus.windows.net:9093"), refused.getMessage());
        }
    }

    @Test
    void should_accept_sasl_ssl_towards_azure_event_hubs_and_plaintext_elsewhere() {
        KafkaConfiguration eventHubs = eventHubsReady();
        KafkaConfiguration local = new KafkaConfiguration();
        local.setBrokers("127.0.0.1:9092");

        assertEquals("SASL_SSL", new KafkaClientSettings(eventHubs).admin().get("security.protocol"));
        assertEquals("127.0.0.1:9092", new KafkaClientSettings(local).admin().get("bootstrap.servers"));
    }

    @Test
    void should_accept_the_shipped_kafka_defaults_towards_azure_event_hubs() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        MonitorDefaults.all().forEach((key, value) -> {
            // the header filter is a bean of the monitor's, not there in a bare camel-main
            if (key.startsWith("camel.component.kafka.") && !key.endsWith("header-filter-strategy")) {
                settings.put(key, value);
            }
        });
        settings.put("camel.component.kafka.brokers", "ns1.servicebus.windows.net:9093");
        settings.put("camel.component.kafka.security-protocol", "SASL_SSL");

        KafkaClientSettings kafka = KafkaClientSettings.of(startedMain(settings).getCamelContext());

        assertEquals("gzip", kafka.producer().get("compression.type"));
        assertTrue(kafka.topicsMadeInAdvance());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "compression-codec,      lz4",
        "compression-codec,      snappy",
        "compression-codec,      zstd",
        "max-request-size,       1046528",
        "max-request-size,       1048576",
        "request-timeout-ms,     59999",
        "metadata-max-age-ms,    240000",
        "metadata-max-age-ms,    300000",
        "connection-max-idle-ms, 240000",
        "connection-max-idle-ms, 540000",
        "session-timeout-ms,     5999",
        "session-timeout-ms,     300001",
    })
    void should_refuse_with_one_line_a_setting_azure_event_hubs_refuses(String option, String value) throws Exception {
        KafkaConfiguration configuration = eventHubsReady();
        PropertyBindingSupport.build().bind(new DefaultCamelContext(), configuration, new java.util.HashMap<>(Map.of(camelCase(option), value)));

        InvalidSettingException refused = assertThrows(InvalidSettingException.class, () -> new KafkaClientSettings(configuration));

        assertEquals("camel.component.kafka." + option, refused.getKey());
        assertTrue(refused.getMessage().startsWith("camel.component.kafka." + option + " is " + value + " but ns1.servicebus.windows.net:9093"),
                refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
    }

    @Test
    void should_accept_on_other_brokers_what_azure_event_hubs_refuses() {
        KafkaConfiguration configuration = new KafkaConfiguration();
        configuration.setBrokers("kafka-1.example.com:9093");
        configuration.setCompressionCodec("lz4");
        configuration.setEnableIdempotence(true);

        KafkaClientSettings kafka = new KafkaClientSettings(configuration);

        assertEquals("lz4", kafka.producer().get("compression.type"));
        assertFalse(kafka.topicsMadeInAdvance());
    }

    @Test
    void should_take_request_timeouts_below_60_s_towards_azure_event_hubs_without_idempotence() {
        KafkaConfiguration configuration = eventHubsReady();
        configuration.setEnableIdempotence(false);
        configuration.setRequestTimeoutMs(30_000);

        assertEquals("30000", String.valueOf(new KafkaClientSettings(configuration).producer().get("request.timeout.ms")));
    }

    /** What the monitor ships, towards an Event Hubs namespace: every rule kept. */
    private static KafkaConfiguration eventHubsReady() {
        KafkaConfiguration configuration = new KafkaConfiguration();
        configuration.setBrokers("ns1.servicebus.windows.net:9093");
        configuration.setSecurityProtocol("SASL_SSL");
        configuration.setCompressionCodec("gzip");
        configuration.setMaxRequestSize(1_000_000);
        configuration.setEnableIdempotence(true);
        configuration.setRequestTimeoutMs(60_000);
        configuration.setMetadataMaxAgeMs(180_000);
        configuration.setConnectionMaxIdleMs(180_000);
        configuration.setSessionTimeoutMs(10_000);
        return configuration;
    }

    private static String camelCase(String kebab) {
        StringBuilder name = new StringBuilder();
        for (String part : kebab.split("-")) {
            name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name.toString();
    }

    private static void assertCarries(String client, Properties props) {
        assertEquals("broker-1:9093,broker-2:9093", props.get("bootstrap.servers"), client);
        EXPECTED.forEach((key, value) -> assertEquals(value, String.valueOf(props.get(key)), client + ": " + key));
    }

    /** camel-main with only these settings: it binds camel.component.kafka.* as it does for the monitor. */
    private Main startedMain(Map<String, String> settings) throws Exception {
        Main main = new Main();
        Properties overrides = new Properties();
        overrides.putAll(settings);
        main.setOverrideProperties(overrides);
        main.start();
        started = main;
        return main;
    }

    private Main started;

    @org.junit.jupiter.api.AfterEach
    void stop() {
        if (started != null) {
            started.stop();
        }
    }
}
