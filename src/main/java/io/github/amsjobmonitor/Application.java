package io.github.amsjobmonitor;

import org.apache.camel.main.Main;

/** Starts the monitor: settings from ./application.properties, routes from ./routes/. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
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
