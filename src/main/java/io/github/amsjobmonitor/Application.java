package io.github.amsjobmonitor;

import io.github.amsjobmonitor.routes.ValidateCommand;
import java.util.Arrays;
import org.apache.camel.main.Main;

/**
 * Starts the monitor: settings from ./application.properties, routes from ./routes/.
 * {@code validate [folder]} checks route files instead (see ValidateCommand).
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("validate")) {
            System.exit(ValidateCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        System.exit(newMain().run(args));
    }

    /** The monitor as camel-main runs it; tests start the same thing with their own overrides. */
    public static Main newMain() {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties;optional=true");
        main.configure().addConfiguration(MonitorConfiguration.class);
        return main;
    }
}
