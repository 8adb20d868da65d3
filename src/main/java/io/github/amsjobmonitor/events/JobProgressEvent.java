package io.github.amsjobmonitor.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** The value of a record on {@code job-progress}: how far a processing job is (0..100). */
@JsonPropertyOrder({"jobId", "jobName", "progress", "observedAt", "correlationData"})
public record JobProgressEvent(String jobId, String jobName, double progress, String observedAt,
                               Map<String, String> correlationData) {
}
