package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One task of a job, as {@code Jobs('<id>')/Tasks} returns it: the fields progress and error details need. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AmsTask(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("State") Integer state,
        @JsonProperty("Progress") Double progress,
        @JsonProperty("ErrorDetails") List<ErrorDetail> errorDetails) {

    public AmsTask {
        errorDetails = errorDetails == null ? List.of() : List.copyOf(errorDetails);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorDetail(@JsonProperty("Code") String code, @JsonProperty("Message") String message) {
    }
}
