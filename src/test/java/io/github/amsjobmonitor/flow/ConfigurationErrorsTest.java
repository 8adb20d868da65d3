package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A missing or malformed setting stops the start of the real process with one line that names the key and what
 * is expected, exit status 1, and no stack trace.
 */
class ConfigurationErrorsTest {

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', nullValues = "<absent>", value = {
        "ams.api-url              | ''                         | required",
        "ams.api-url              | ftp://example.com/api      | https URL",
        "ams.api-url              | http://media.example.com/api/ | not loopback",
        "ams.redirect-hosts       | https://media.windows.net  | *.domain",
        "azure.ad.tenant-id       | ''                         | required",
        "azure.ad.client-id       | ''                         | required",
        "azure.ad.client-secret   | <absent>                   | required",
        "azure.ad.client-certificate-path | /etc/monitor/client.pem | only one Entra ID credential",
        "azure.ad.federated-token-file | /var/run/secrets/azure/tokens/azure-identity-token | only one Entra ID credential",
        "azure.ad.authority-host  | http://login.example.com   | loopback",
        "monitor.poll.interval    | fast                       | expected a duration",
        "monitor.batch.max-jobs   | 40                         | between 1 and 25",
        "monitor.ams.max-in-flight | 0                         | at least 1",
        "monitor.token.read-timeout | soon                     | expected a duration",
    })
    void should_stop_the_start_with_one_line_naming_the_setting(String key, String value, String expected) {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start()) {
            Map<String, String> settings = RunningMonitor.settings(simulator, Topics.unique());
            if (value == null) {
                settings.remove(key);
            } else {
                settings.put(key, value);
            }
            try (MonitorProcess monitor = MonitorProcess.start("bad-setting-" + key + "-" + Integer.toHexString(String.valueOf(value).hashCode()), settings)) {
                int exit = monitor.awaitExit(Duration.ofSeconds(90));
                String output = monitor.logText();
                assertEquals(1, exit, output);
                List<String> problem = monitor.logLines("did not start");
                assertEquals(1, problem.size(), output);
                assertTrue(problem.get(0).contains(key), problem.get(0));
                assertTrue(problem.get(0).contains(expected), problem.get(0));
                assertFalse(output.lines().anyMatch(line -> line.matches("\\s+at .*")), "a stack trace:\n" + output);
                assertFalse(output.contains("Exception in thread"), output);
                assertFalse(output.contains("Caused by"), output);
            }
        }
    }

    @Test
    void should_stop_the_start_with_one_line_for_a_setting_azure_event_hubs_refuses() {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start()) {
            Map<String, String> settings = RunningMonitor.settings(simulator, Topics.unique());
            // checked before any Kafka client connects: no Event Hubs namespace needs to answer
            settings.put("camel.component.kafka.brokers", "ns1.servicebus.windows.net:9093");
            settings.put("camel.component.kafka.security-protocol", "SASL_SSL");
            settings.put("camel.component.kafka.compression-codec", "lz4");
            try (MonitorProcess monitor = MonitorProcess.start("event-hubs-lz4", settings)) {
                int exit = monitor.awaitExit(Duration.ofSeconds(90));
                String output = monitor.logText();
                assertEquals(1, exit, output);
                List<String> problem = monitor.logLines("did not start");
                assertEquals(1, problem.size(), output);
                assertTrue(problem.get(0).contains("camel.component.kafka.compression-codec is lz4 but ns1.servicebus.windows.net:9093"
                        + " (Azure Event Hubs) takes only gzip or none"), problem.get(0));
                assertFalse(output.lines().anyMatch(line -> line.matches("\\s+at .*")), "a stack trace:\n" + output);
            }
        }
    }

    @Test
    void should_write_the_start_error_through_the_masked_log() {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start()) {
            Map<String, String> settings = RunningMonitor.settings(simulator, Topics.unique());
            String secret = settings.get("azure.ad.client-secret");
            // an operator pasted the secret into the URL: the line that names the bad URL must not print it
            settings.put("ams.api-url", "ftp://monitor:" + secret + "@media.example.com/api/");
            try (MonitorProcess monitor = MonitorProcess.start("start-error-masked", settings)) {
                assertEquals(1, monitor.awaitExit(Duration.ofSeconds(90)), monitor.logText());
                List<String> problem = monitor.logLines("did not start");
                assertEquals(1, problem.size(), monitor.logText());
                assertTrue(problem.get(0).matches("\\d{4}-\\d\\d-\\d\\dT.* ERROR .*ams-job-monitor did not start: ams.api-url .*"),
                        "a line of the log layout: " + problem.get(0));
                assertFalse(monitor.logText().contains(secret), monitor.logText());
            }
        }
    }
}
