package io.github.amsjobmonitor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The compare benchmark's latency percentiles: a change whose event never came is not dropped. */
class CompareBenchmarkTest {

    @Test
    void should_count_a_change_without_its_event_as_a_lower_bound_in_the_percentiles() {
        CompareBenchmark.Result result = new CompareBenchmark.Result();
        // 100 ms and 200 ms seen; one change still waiting after 500 ms (encoded latency * 2 + 1)
        result.latencies = new long[] {100 * 2, 200 * 2, 500 * 2 + 1};

        assertEquals(200.0, result.latencyPercentile(0.50));
        assertFalse(result.latencyPercentileIsLowerBound(0.50));
        assertEquals(500.0, result.latencyPercentile(0.99));
        assertTrue(result.latencyPercentileIsLowerBound(0.99), "p99 falls on the missing event: at least 500 ms");
    }
}
