package io.github.amsjobmonitor.intake;

import java.util.Map;

/** A producer's request to track one job, with the correlation data to echo on its events. */
public record JobRequest(String jobId, Map<String, String> correlationData) {

    public JobRequest {
        correlationData = correlationData == null ? Map.of() : Map.copyOf(correlationData);
    }
}
