package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A task exactly as AMS v2 returns it from {@code Jobs('<id>')/Tasks} in {@code odata=minimalmetadata}
 * JSON, fields in the documented order. {@code State} uses the job state integers, {@code Progress}
 * is 0..100, dates are UTC without a zone and {@code RunningDuration} is in milliseconds, as for jobs.
 */
@JsonPropertyOrder({"Id", "Configuration", "EndTime", "ErrorDetails", "HistoricalEvents", "MediaProcessorId",
        "Name", "PerfMessage", "Priority", "Progress", "RunningDuration", "StartTime", "State", "TaskBody",
        "Options", "EncryptionKeyId", "EncryptionScheme", "EncryptionVersion", "InitializationVector"})
public record TaskEntity(
        @JsonProperty("Id") String id,
        @JsonProperty("Configuration") String configuration,
        @JsonProperty("EndTime") String endTime,
        @JsonProperty("ErrorDetails") List<ErrorDetail> errorDetails,
        @JsonProperty("HistoricalEvents") List<Object> historicalEvents,
        @JsonProperty("MediaProcessorId") String mediaProcessorId,
        @JsonProperty("Name") String name,
        @JsonProperty("PerfMessage") String perfMessage,
        @JsonProperty("Priority") int priority,
        @JsonProperty("Progress") double progress,
        @JsonProperty("RunningDuration") double runningDuration,
        @JsonProperty("StartTime") String startTime,
        @JsonProperty("State") int state,
        @JsonProperty("TaskBody") String taskBody,
        @JsonProperty("Options") int options,
        @JsonProperty("EncryptionKeyId") String encryptionKeyId,
        @JsonProperty("EncryptionScheme") String encryptionScheme,
        @JsonProperty("EncryptionVersion") String encryptionVersion,
        @JsonProperty("InitializationVector") String initializationVector) {

    /** One entry of {@code ErrorDetails}. */
    @JsonPropertyOrder({"Code", "Message"})
    public record ErrorDetail(@JsonProperty("Code") String code, @JsonProperty("Message") String message) {
    }
}
