package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The body of a {@code Jobs()} answer in OData minimal metadata: {@code {"odata.metadata": ..., "value": [...]}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobsPage(List<AmsJob> value) {

    public JobsPage {
        value = value == null ? List.of() : List.copyOf(value);
    }
}
