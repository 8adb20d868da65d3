package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.OptionalDouble;

/** The body of a {@code Jobs('<id>')/Tasks} answer. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TasksPage(List<AmsTask> value) {

    public TasksPage {
        value = value == null ? List.of() : List.copyOf(value);
    }

    /** The job's progress as the .NET SDK computed it: the mean of its tasks' progress (0..100). */
    public OptionalDouble meanProgress() {
        return value.stream().filter(t -> t.progress() != null).mapToDouble(AmsTask::progress).average();
    }
}
