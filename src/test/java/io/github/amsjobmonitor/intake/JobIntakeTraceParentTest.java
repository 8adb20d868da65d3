package io.github.amsjobmonitor.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A producer's traceparent header: kept with its job when well formed, dropped (the job still tracked) when not. */
class JobIntakeTraceParentTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String JOB = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final JobSchedule schedule = new JobSchedule(Duration.ofSeconds(15), 20, Duration.ofMillis(50), 40,
            Duration.ofMinutes(5), System::nanoTime);
    private final JobIntake intake = new JobIntake(new JobRequestParser(), schedule,
            Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"), ZoneOffset.UTC));

    private Exchange record(String value, Object traceparent) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(value.getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            record.getMessage().setHeader("traceparent", traceparent);
        }
        return record;
    }

    @Test
    void should_keep_a_well_formed_traceparent_with_the_job_through_its_tracking_record() throws Exception {
        // camel-kafka hands record headers over as bytes
        JobIntake.Batch batch = intake.read(List.of(record(JOB, TRACEPARENT.getBytes(StandardCharsets.US_ASCII)),
                record("{\"jobId\":\"" + JOB + "\",\"correlationData\":{\"k\":\"v\"}}", TRACEPARENT)));
        assertEquals(2, batch.requests().size());
        for (TrackedJob request : batch.requests()) {
            assertEquals(TRACEPARENT, request.traceparent());
            TrackedJob restored = schedule.read(schedule.record(request));
            assertEquals(TRACEPARENT, restored.traceparent(), "as written to and read back from the tracking topic");
            assertEquals(TRACEPARENT, restored.seen("n", "Processing", Instant.EPOCH).notFoundOnceMore().invalidAnswerOnceMore()
                    .progressPublished(5, Instant.EPOCH).traceparent(), "kept by every later state of the job");
        }
    }

    @Test
    void should_track_the_job_without_a_malformed_traceparent() {
        JobIntake.Batch batch = intake.read(List.of(
                record(JOB, "00-00000000000000000000000000000000-00f067aa0ba902b7-01".getBytes(StandardCharsets.US_ASCII)),
                record(JOB, "not a trace context"),
                record(JOB, null)));
        assertEquals(List.of(), batch.rejected());
        assertEquals(3, batch.requests().size());
        batch.requests().forEach(request -> {
            assertEquals(JOB, request.jobId());
            assertNull(request.traceparent());
        });
    }
}
