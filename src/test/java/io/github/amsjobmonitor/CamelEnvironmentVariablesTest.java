package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** CAMEL_* environment variables of the groups the monitor uses become their camel.* keys, as the contract promises. */
class CamelEnvironmentVariablesTest {

    @Test
    void should_map_each_variable_of_kafka_http_and_management_to_its_key() {
        Map<String, String> environment = Map.of(
                "CAMEL_COMPONENT_KAFKA_BROKERS", "ns1.servicebus.windows.net:9093",
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", "x required;",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12",
                "CAMEL_COMPONENT_HTTP_CONNECT_TIMEOUT", "1",
                "CAMEL_MANAGEMENT_HOST", "0.0.0.0",
                "CAMEL_COMPONENT_KAFKA_", "nothing",
                "CAMEL_COMPONENT_FOO_BAR", "not a component the monitor uses",
                "AMS_API_URL", "https://example/api/");

        assertEquals(Map.of(
                "camel.component.kafka.brokers", "ns1.servicebus.windows.net:9093",
                "camel.component.kafka.security-protocol", "SASL_SSL",
                "camel.component.kafka.sasl-jaas-config", "x required;",
                "camel.component.kafka.ssl-truststore-location", "/etc/kafka/ca.p12",
                "camel.component.http.connect-timeout", "1",
                "camel.management.host", "0.0.0.0"),
                CamelEnvironmentVariables.properties(environment, new Properties()));
    }

    @Test
    void should_leave_a_key_given_as_system_property_to_it() {
        Properties system = new Properties();
        system.setProperty("camel.component.kafka.brokers", "from-d:9092");

        assertEquals(Map.of("camel.component.kafka.security-protocol", "SSL"), CamelEnvironmentVariables.properties(
                Map.of("CAMEL_COMPONENT_KAFKA_BROKERS", "from-env:9092", "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SSL"), system));
    }
}
