package io.github.amsjobmonitor.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Kafka component's settings given as environment variables, as Camel's mapping names them
 * ({@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL=SASL_SSL} for {@code camel.component.kafka.security-protocol}).
 *
 * <p>Camel 4.18.0 gathers no {@code CAMEL_COMPONENT_*} variable itself: {@code MainHelper.filterEnvVariables}
 * compares the upper-cased variable name with the lower-case prefix {@code camel.component.}, so nothing
 * matches and such a variable is silently ignored (seen: {@code CAMEL_COMPONENT_KAFKA_BROKERS} left the
 * brokers of application.properties in place). The monitor's contract promises every key as an
 * environment variable, and for Kafka's security settings that is how a container gets them, so the
 * monitor maps them itself. A {@code -D} system property of the same key still wins.
 */
public final class KafkaEnvironment {

    static final String PREFIX = "CAMEL_COMPONENT_KAFKA_";

    private KafkaEnvironment() {
    }

    /** {@code camel.component.kafka.<option>} for each {@code CAMEL_COMPONENT_KAFKA_<OPTION>} variable, options in kebab case. */
    public static Map<String, String> properties(Map<String, String> environment, Properties systemProperties) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                String key = "camel.component.kafka." + name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
                if (systemProperties.getProperty(key) == null) {
                    properties.put(key, value);
                }
            }
        });
        return properties;
    }
}
