package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A job exactly as AMS v2 returns it in {@code odata=minimalmetadata} JSON: dates are UTC without a
 * zone ({@code 2015-02-11T01:46:08.897}), {@code RunningDuration} is in milliseconds.
 */
@JsonPropertyOrder({"Id", "Name", "Created", "LastModified", "EndTime", "Priority", "RunningDuration",
        "StartTime", "State", "TemplateId", "JobNotificationSubscriptions"})
public record JobEntity(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Created") String created,
        @JsonProperty("LastModified") String lastModified,
        @JsonProperty("EndTime") String endTime,
        @JsonProperty("Priority") int priority,
        @JsonProperty("RunningDuration") double runningDuration,
        @JsonProperty("StartTime") String startTime,
        @JsonProperty("State") int state,
        @JsonProperty("TemplateId") String templateId,
        @JsonProperty("JobNotificationSubscriptions") List<Object> jobNotificationSubscriptions) {
}
