package io.github.amsjobmonitor.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.tracking.Observation;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobEventsTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

    private final JobEvents events = new JobEvents("/ams-job-monitor");

    private static Observation processingAfterQueued() {
        TrackedJob tracked = new TrackedJob(ID, "encode", "Queued", null, Map.of("order", "42"), NOW, 0, null, null, null, 0, TrackedJob.FROM_CHECK, null);
        AmsJob job = new AmsJob(ID, "encode", "2026-11-26T13:59:00.100", "2026-11-26T13:59:58.250",
                "2026-11-26T13:59:58.250", null, 0.0, 2);
        return new Observation(tracked, job, JobState.Processing, true, NOW);
    }

    @Test
    void should_shape_the_event_as_the_contract_says() throws Exception {
        CloudEvent event = events.stateChanged(processingAfterQueued());
        JsonNode value = new ObjectMapper().readTree(event.getData().toBytes());
        assertEquals(List.of("jobId", "jobName", "previousState", "state", "final", "observedAt", "startTime", "endTime",
                "lastModified", "runningDuration", "correlationData"), iterableToList(value.fieldNames()));
        assertEquals(ID, value.get("jobId").asText());
        assertEquals("encode", value.get("jobName").asText());
        assertEquals("Queued", value.get("previousState").asText());
        assertEquals("Processing", value.get("state").asText());
        assertEquals(false, value.get("final").asBoolean());
        assertEquals("2026-11-26T14:00:00Z", value.get("observedAt").asText());
        assertEquals("2026-11-26T13:59:58.250Z", value.get("startTime").asText());
        assertEquals(true, value.get("endTime").isNull());
        assertEquals("2026-11-26T13:59:58.250Z", value.get("lastModified").asText());
        assertEquals(0.0, value.get("runningDuration").asDouble());
        assertEquals("42", value.get("correlationData").get("order").asText());
    }

    @Test
    void should_carry_cloudevents_attributes() throws Exception {
        CloudEvent event = events.stateChanged(processingAfterQueued());
        assertEquals("1.0", event.getSpecVersion().toString());
        assertEquals(ID, event.getSubject());
        assertEquals(JobEvents.STATE_CHANGED_TYPE, event.getType());
        assertEquals("/ams-job-monitor", event.getSource().toString());
        assertEquals("application/json", event.getDataContentType());
        assertEquals(NOW, event.getTime().toInstant());
    }

    @Test
    void should_give_the_same_id_to_the_same_job_and_state_only() {
        assertEquals(JobEvents.eventId(ID, "Processing"), JobEvents.eventId(ID, "Processing"));
        assertNotEquals(JobEvents.eventId(ID, "Processing"), JobEvents.eventId(ID, "Finished"));
        assertNotEquals(JobEvents.eventId(ID, "Processing"),
                JobEvents.eventId("nb:jid:UUID:9f1e2d3c-4b5a-4968-8776-655443322110", "Processing"));
    }

    @Test
    void should_carry_the_jobs_traceparent_as_the_cloudevents_extension_written_as_ce_traceparent() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Observation plain = processingAfterQueued();
        TrackedJob traced = TrackedJob.requested(ID, Map.of("order", "42"), NOW, null, traceparent)
                .seen("encode", "Queued", NOW);
        Observation observation = new Observation(traced, plain.job(), plain.state(), true, NOW, 42.0, List.of(), true);
        for (CloudEvent event : List.of(events.stateChanged(observation), events.progress(observation))) {
            assertEquals(traceparent, event.getExtension("traceparent"));
            org.apache.kafka.common.header.Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            try (io.cloudevents.kafka.CloudEventSerializer serializer = new io.cloudevents.kafka.CloudEventSerializer()) {
                serializer.configure(Map.of(), false);
                serializer.serialize("job-status", headers, event);
            }
            assertEquals(traceparent, new String(headers.lastHeader("ce_traceparent").value(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void should_carry_no_traceparent_for_a_job_that_came_without_one() throws Exception {
        CloudEvent event = events.stateChanged(processingAfterQueued());
        assertEquals(java.util.Set.of(), event.getExtensionNames());
    }

    private static List<String> iterableToList(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
