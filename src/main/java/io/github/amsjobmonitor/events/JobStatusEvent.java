package io.github.amsjobmonitor.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The value of a record on {@code job-status} and the final-outcome topics, as the contract shapes it.
 * {@code progress} (0..100) appears when the job's tasks were read (Processing); {@code errors} on a
 * final Error event, from the tasks' error details.
 */
@JsonPropertyOrder({"jobId", "jobName", "previousState", "state", "final", "observedAt", "startTime", "endTime",
        "lastModified", "runningDuration", "correlationData", "progress", "errors"})
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
        Map<String, String> correlationData,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double progress,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JobError> errors) {
}
