package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Objects;

/**
 * One job entity as the AMS v2 REST API returns it. Dates are kept as AMS writes them
 * ({@code 2015-02-11T01:46:08.897}, UTC without a zone); {@link AmsTimes} turns them into instants.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AmsJob(
        @JsonProperty("Id") @JsonDeserialize(using = AmsAnswers.TextOnly.class) String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Created") String created,
        @JsonProperty("LastModified") String lastModified,
        @JsonProperty("StartTime") String startTime,
        @JsonProperty("EndTime") String endTime,
        @JsonProperty("RunningDuration") Double runningDuration,
        @JsonProperty("State") @JsonDeserialize(using = AmsAnswers.IntegerOnly.class) Integer state) {

    /**
     * Only the job ID, for the reason given at TrackedJob#hashCode (Camel hashes what a route calls
     * a method on). Consistent with equals.
     */
    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
