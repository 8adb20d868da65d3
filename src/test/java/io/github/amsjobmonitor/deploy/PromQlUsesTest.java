package io.github.amsjobmonitor.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.amsjobmonitor.deploy.PromQlUses.LabelMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The little PromQL reading the dashboard and rules test relies on. */
class PromQlUsesTest {

    @Test
    void should_find_metrics_matchers_and_grouping_labels_but_not_functions_or_keywords() {
        PromQlUses uses = PromQlUses.of("histogram_quantile(0.99, sum by (le) (rate(monitor_ams_request_seconds_bucket"
                + "{instance=~\"$instance\"}[$__rate_interval]))) > 2 * max by (job, instance) (monitor_poll_interval_seconds)"
                + " or max(monitor_ams_breaker_open{code!=\"a,b\", state=\"Finished\"}) == 1 and on (instance) up offset 5m");
        assertEquals(List.of("monitor_ams_request_seconds_bucket", "monitor_poll_interval_seconds", "monitor_ams_breaker_open", "up"),
                uses.metrics());
        assertEquals(List.of("le", "job", "instance", "instance"), uses.groupingLabels());
        assertEquals(List.of(new LabelMatcher("instance", "=~", "$instance")), uses.selectors().get(0).matchers());
        assertEquals(List.of(new LabelMatcher("code", "!=", "a,b"), new LabelMatcher("state", "=", "Finished")),
                uses.selectors().get(2).matchers());
    }

    @Test
    void should_refuse_matchers_it_cannot_read() {
        assertThrows(IllegalArgumentException.class, () -> PromQlUses.of("x{a=b}"));
    }
}
