package io.github.amsjobmonitor.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** The value of a record on {@code job-status} and the final-outcome topics, as the contract shapes it. */
@JsonPropertyOrder({"jobId", "jobName", "previousState", "state", "final", "observedAt", "startTime", "endTime",
        "lastModified", "runningDuration", "correlationData"})
public record JobStatusEvent(
        String jobId,
        String jobName,
        String previousState,
        String state,
        @JsonProperty("final") boolean isFinal,
        String observedAt,
        String startTime,
        String endTime,
        String lastModified,
        Double runningDuration,
        Map<String, String> correlationData) {
}
