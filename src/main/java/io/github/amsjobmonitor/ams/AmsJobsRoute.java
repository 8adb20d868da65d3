package io.github.amsjobmonitor.ams;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * Sends a batch's {@code Jobs()} request through the route {@code direct:ams-jobs}, on the calling
 * thread, so the HTTP call, its headers and its token stay in YAML with the other AMS calls.
 */
public class AmsJobsRoute implements BatchedJobLookup.JobsRequest {

    static final String ENDPOINT = "direct:ams-jobs";

    private final CamelContext camelContext;
    private ProducerTemplate template; // made on first use, when the context runs; guarded by this

    public AmsJobsRoute(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public JobsPage send(List<String> jobIds) throws Exception {
        try {
            return template().requestBody(ENDPOINT, jobIds, JobsPage.class);
        } catch (CamelExecutionException e) {
            // the route's own failure (HTTP status, I/O, no token) is what the checks' error handling knows
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = camelContext.createProducerTemplate();
        }
        return template;
    }
}
