package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.RouteFolder;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start refuses route files that lost a name the Java code reads, saying which file and what (RouteContract). */
class RouteContractStartTest {

    @Test
    void should_refuse_to_start_with_a_route_file_that_lost_an_exchange_property_the_java_code_reads() {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start()) {
            RouteFolder routes = RouteFolder.copyOfShippedRoutes();
            routes.replace("check-job.camel.yaml", "            name: observation\n", "            name: observed\n");
            Topics topics = Topics.unique();
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            routes.useIn(settings);

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RunningMonitor.start(settings, topics).close());

            String causes = causes(refused);
            assertTrue(causes.contains("check-job.camel.yaml: route check-job sets no exchange property observation"), causes);
        }
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
