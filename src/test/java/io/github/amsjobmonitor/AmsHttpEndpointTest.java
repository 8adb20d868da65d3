package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.amsjobmonitor.ams.AmsAnswerSizeCap;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint the AMS client uses (MonitorConfiguration.amsHttpEndpoint). */
class AmsHttpEndpointTest {

    @Test
    void should_take_the_camel_component_http_settings_for_an_https_api_url_too() throws Exception {
        AmsAnswerSizeCap cap = new AmsAnswerSizeCap(1024);
        try (CamelContext context = new DefaultCamelContext()) {
            HttpComponent http = context.getComponent("http", HttpComponent.class);
            // what camel.component.http.response-timeout, connect-timeout and http-client-configurer set
            http.setResponseTimeout(1234);
            http.setConnectTimeout(567);
            http.setHttpClientConfigurer(cap);
            context.start();

            HttpEndpoint endpoint = MonitorConfiguration.amsHttpEndpoint(context, "https://acct.restv2.westeurope.media.azure.net/api/");

            assertEquals(1234, endpoint.getResponseTimeout());
            assertEquals(567, endpoint.getConnectTimeout());
            assertSame(cap, endpoint.getHttpClientConfigurer());
        }
    }

    @Test
    void should_leave_throttled_answers_to_the_ams_client_instead_of_retrying_them() throws Exception {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             CamelContext context = new DefaultCamelContext()) {
            context.start();
            simulator.throttleNextApiRequests(503, Duration.ofSeconds(1), 1);

            int status = MonitorConfiguration.amsHttpEndpoint(context, simulator.apiUrl()).getHttpClient()
                    .execute(new HttpGet(simulator.apiUrl() + "Jobs()"), response -> response.getCode());

            assertEquals(503, status);
            assertEquals(1, simulator.jobsRequestCount(), "sent once");
        }
    }
}
