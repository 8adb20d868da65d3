package io.github.amsjobmonitor;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Camel's own settings given as environment variables, as Camel's mapping names them
 * ({@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL=SASL_SSL} for {@code camel.component.kafka.security-protocol},
 * {@code CAMEL_MANAGEMENT_HOST=0.0.0.0} for {@code camel.management.host}).
 *
 * <p>Camel 4.18.0 gathers none of these variables itself: {@code MainHelper.filterEnvVariables}
 * compares the upper-cased variable name with a lower-case prefix such as {@code camel.component.},
 * so nothing matches and such a variable is silently ignored (seen: {@code CAMEL_COMPONENT_KAFKA_BROKERS}
 * left the brokers of application.properties in place, {@code CAMEL_MANAGEMENT_PORT} the port). The
 * monitor's contract promises every key as an environment variable, and in a container that is how
 * the Kafka security settings and the management bind address come, so the monitor maps them itself,
 * for the groups it uses. A {@code -D} system property of the same key still wins.
 */
public final class CamelEnvironmentVariables {

    /** Variable prefix -> key prefix; options after the prefix are in kebab case. Component names are one word. */
    static final Map<String, String> PREFIXES = Map.of(
            "CAMEL_COMPONENT_KAFKA_", "camel.component.kafka.",
            "CAMEL_COMPONENT_HTTP_", "camel.component.http.",
            "CAMEL_MANAGEMENT_", "camel.management.",
            "CAMEL_HEALTH_", "camel.health.",
            "CAMEL_METRICS_", "camel.metrics.");

    private CamelEnvironmentVariables() {
    }

    /** The Camel key of each such variable, unless a system property sets the same key. */
    public static Map<String, String> properties(Map<String, String> environment, Properties systemProperties) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> PREFIXES.forEach((variablePrefix, keyPrefix) -> {
            if (name.startsWith(variablePrefix) && name.length() > variablePrefix.length()) {
                String key = keyPrefix + name.substring(variablePrefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
                if (systemProperties.getProperty(key) == null) {
                    properties.put(key, value);
                }
            }
        }));
        return properties;
    }
}
