package io.github.amsjobmonitor.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule for headers crossing the Kafka boundary: none in but traceparent, only the monitor's own out. */
class KafkaHeaderFilterTest {

    /** Every header Camel's Kafka producer obeys or camel-kafka's consumer sets, and some that look like them. */
    static final List<String> STEERING = List.of("kafka.OVERRIDE_TOPIC", "kafka.OVERRIDE_TIMESTAMP", "kafka.KEY",
            "kafka.PARTITION_KEY", "kafka.PARTITION", "kafka.OFFSET", "kafka.TIMESTAMP", "kafka.TOPIC", "kafka.HEADERS",
            "CamelHttpUri", "CamelHttpQuery", "CamelKafkaManualCommit", "CamelMessageTimestamp", "Authorization");

    private final KafkaHeaderFilter filter = new KafkaHeaderFilter();

    @Test
    void should_let_no_record_header_into_the_exchange() {
        for (String name : concat(STEERING, List.of("monitor-error-code", "monitor-error-reason", "monitor-last-state",
                "ce_id", "ce_type", "content-type", "x-trace-id"))) {
            assertTrue(filter.applyFilterToExternalHeaders(name, name.getBytes(StandardCharsets.UTF_8), null), name);
        }
    }

    @Test
    void should_let_only_the_w3c_traceparent_in_and_never_out() {
        assertFalse(filter.applyFilterToExternalHeaders("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .getBytes(StandardCharsets.UTF_8), null));
        for (String lookalike : List.of("Traceparent", "TRACEPARENT", "tracestate", "ce_traceparent", "traceparent ")) {
            assertTrue(filter.applyFilterToExternalHeaders(lookalike, new byte[0], null), lookalike);
        }
        // the monitor's own trace header (Camel's tracer sets one) is not written either: events carry ce_traceparent
        assertTrue(filter.applyFilterToCamelHeaders("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null));
    }

    @Test
    void should_write_only_the_monitors_dead_letter_headers() {
        assertFalse(filter.applyFilterToCamelHeaders("monitor-error-code", "INVALID_JOB_ID", null));
        assertFalse(filter.applyFilterToCamelHeaders("monitor-error-reason", "a sentence", null));
        assertFalse(filter.applyFilterToCamelHeaders("monitor-last-state", "Processing", null));
    }

    @Test
    void should_keep_every_other_header_out_of_written_records() {
        for (String name : concat(STEERING, List.of("ce_id", "content-type", "x-trace-id", "Monitor-Error-Code",
                "monitor-error-code-2"))) {
            assertTrue(filter.applyFilterToCamelHeaders(name, "v", null), name);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
