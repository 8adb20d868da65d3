package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** RefusedCredentialsStop as the routes use it: a route policy named in a route file. */
class RefusedCredentialsStopTest {

    private static final String ROUTES = """
            - route:
                id: takes-work
                routePolicy: refusedCredentialsStop
                from:
                  uri: direct:work
                  steps:
                    - log: work
            - route:
                id: serves-others
                from:
                  uri: direct:other
                  steps:
                    - log: other
            """;

    @Test
    void should_suspend_the_routes_that_name_it_and_only_those_when_the_credentials_are_refused() throws Exception {
        RefusedCredentialsStop stop = new RefusedCredentialsStop();
        try (CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("refusedCredentialsStop", stop);
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("work.camel.yaml", ROUTES));
            // nothing is asked of Entra ID here: the refusal is handed to the policy below
            stop.attach(context, new TokenProvider("https://login.invalid", "00000000-0000-0000-0000-000000000001",
                    "client-1", "secret", "https://rest.media.azure.net/.default", Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Clock.systemUTC()));
            context.start();
            assertEquals(List.of("takes-work"), stop.routeIds());

            stop.stopTakingWork(new CredentialsRefusedException("client-1", "invalid_client", 401, "AADSTS7000215: Invalid client secret"));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (context.getRouteController().getRouteStatus("takes-work") != ServiceStatus.Suspended) {
                assertTrue(System.nanoTime() < deadline, "takes-work is " + context.getRouteController().getRouteStatus("takes-work"));
                Thread.onSpinWait();
            }
            assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("serves-others"));
            assertTrue(stop.hasStopped());
        }
    }
}
