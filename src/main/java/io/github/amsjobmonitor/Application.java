package io.github.amsjobmonitor;

import io.github.amsjobmonitor.kafka.KafkaClientSettings;
import io.github.amsjobmonitor.logging.SecretMasking;
import io.github.amsjobmonitor.routes.ValidateCommand;
import java.util.Arrays;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the monitor: settings from ./application.properties, routes from ./routes/.
 * {@code validate [folder]} checks route files instead (see ValidateCommand).
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("validate")) {
            System.exit(ValidateCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        int exitCode;
        try {
            exitCode = newMain().run(args);
        } catch (Exception e) {
            // through the log, as every other line: secrets masked, control characters escaped, JSON when asked for
            String problem = settingProblem(e);
            if (problem == null) {
                LOG.error("ams-job-monitor did not start", e);
            } else {
                // a configuration mistake: one line for the operator, not a stack trace
                LOG.error("ams-job-monitor did not start: {}", problem);
            }
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /** The one-line explanation of a start failure caused by a bad or missing setting, else null. */
    static String settingProblem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InvalidSettingException invalid) {
                return invalid.getMessage();
            }
            String message = cause.getMessage();
            // Camel's own words for a {{key}} that no configuration source defines
            if (message != null && message.startsWith("Property with key [")) {
                return message.lines().findFirst().orElse(message) + " (set it in application.properties, as -Dkey=value"
                        + " or as an environment variable)";
            }
        }
        return null;
    }

    /** The monitor as camel-main runs it; tests start the same thing with their own overrides. */
    public static Main newMain() {
        // known before Camel resolves (and, at DEBUG, logs) any property: masked from the first log line
        SecretMasking.registerSecret(System.getenv("AZURE_AD_CLIENT_SECRET"));
        SecretMasking.registerSecret(System.getProperty("azure.ad.client-secret"));
        SecretMasking.registerSecret(System.getenv("AZURE_AD_CLIENT_CERTIFICATE_PASSWORD"));
        SecretMasking.registerSecret(System.getProperty("azure.ad.client-certificate-password"));
        Main main = new Main();
        // the lowest layer: application.properties, -D and environment variables override, a missing key keeps its default
        main.setInitialProperties(MonitorDefaults.properties());
        main.setDefaultPropertyPlaceholderLocation("file:application.properties;optional=true");
        main.configure().addConfiguration(MonitorConfiguration.class);
        // CAMEL_COMPONENT_KAFKA_*, CAMEL_MANAGEMENT_* ... variables, which Camel 4.18.0 itself ignores
        CamelEnvironmentVariables.properties(System.getenv(), System.getProperties()).forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                // Kafka settings the broker would refuse (a plaintext client or Event Hubs' rules) stop the start
                // here, once camel.component.kafka.* is bound: later, from a starting service, Camel would log
                // a stack trace before the one line
                KafkaClientSettings.of(configured.getCamelContext());
            }
        });
        return main;
    }
}
