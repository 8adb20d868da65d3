package io.github.amsjobmonitor.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.testsupport.EventSchemas;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.tracking.Observation;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The published schemas (docs/job-status.schema.json, docs/job-progress.schema.json) accept every
 * shape of event the monitor writes and refuse what breaks the contract. (Every event the integration
 * tests read is validated too: see EventSchemas, called by KafkaTestClient and TopicWatcher.)
 */
class EventSchemaTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobEvents events = new JobEvents("/ams-job-monitor");

    @Test
    void should_accept_a_first_event_a_progress_carrying_event_and_a_failed_job_with_its_errors() throws Exception {
        AmsJob queued = new AmsJob(ID, "encode", "2026-11-26T13:59:00.100", null, "2026-11-26T13:59:00.100", null, null, 0);
        Observation first = new Observation(tracked(null), queued, JobState.Queued, true, NOW);
        AmsJob running = new AmsJob(ID, "encode", "2026-11-26T13:59:00.100", "2026-11-26T13:59:58.250",
                "2026-11-26T13:59:58.250", null, 1200.0, 2);
        Observation processing = new Observation(tracked("Queued"), running, JobState.Processing, true, NOW, 42.5, List.of(), true);
        AmsJob failed = new AmsJob(ID, "encode", "2026-11-26T13:59:00.100", "2026-11-26T13:59:58.250",
                "2026-11-26T14:00:00", "2026-11-26T14:00:00", 3000.0, 4);
        Observation error = new Observation(tracked("Processing"), failed, JobState.Error, true, NOW, null,
                List.of(new JobError("InvalidInput", "The input file is not a media file.", "encode 1080p")), false);

        for (Observation observation : List.of(first, processing, error)) {
            String value = statusValue(observation);
            assertEquals(List.of(), EventSchemas.errors(EventSchemas.JOB_STATUS, value), value);
        }
        String progress = new String(events.progress(processing).getData().toBytes(), StandardCharsets.UTF_8);
        assertEquals(List.of(), EventSchemas.errors(EventSchemas.JOB_PROGRESS, progress), progress);
    }

    @Test
    void should_refuse_events_that_break_the_contract() throws Exception {
        AmsJob finished = new AmsJob(ID, "encode", "2026-11-26T13:59:00.100", "2026-11-26T13:59:58.250",
                "2026-11-26T14:00:00", "2026-11-26T14:00:00", 3000.0, 3);
        ObjectNode valid = (ObjectNode) JSON.readTree(statusValue(
                new Observation(tracked("Processing"), finished, JobState.Finished, true, NOW)));
        assertTrue(EventSchemas.errors(EventSchemas.JOB_STATUS, valid.toString()).isEmpty());

        assertFalse(accepted(valid.deepCopy().put("final", false)), "a final state not marked final");
        assertFalse(accepted(valid.deepCopy().put("state", "Done")), "a state AMS does not have");
        assertFalse(accepted(valid.deepCopy().put("jobId", "nb:jid:UUID:x' or 1 eq 1")), "a malformed job ID");
        assertFalse(accepted(valid.deepCopy().put("observedAt", "2026-11-26 14:00")), "a time that is not an UTC instant");
        assertFalse(accepted(valid.deepCopy().put("progress", 101)), "progress above 100");
        ObjectNode withoutState = valid.deepCopy();
        withoutState.remove("state");
        assertFalse(accepted(withoutState), "no state");
        assertFalse(accepted(valid.deepCopy().put("bearer", "x")), "a field the contract does not name");
    }

    @Test
    void should_make_the_shared_topic_readers_fail_on_an_event_that_does_not_match() {
        String topic = "t" + UUID.randomUUID().toString().substring(0, 8) + "-job-status";
        SharedKafka.broker().createTopics(1, topic);
        try (KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            kafka.send(topic, ID, "{\"jobId\":\"" + ID + "\",\"state\":\"Done\"}");
            AssertionError readAll = assertThrows(AssertionError.class, () -> kafka.readAll(topic));
            assertTrue(readAll.getMessage().contains("does not match its schema"), readAll.getMessage());
            assertThrows(AssertionError.class, () -> kafka.consume(topic, 1, Duration.ofSeconds(30)));
        }
    }

    /** True when the status schema accepts it. */
    private static boolean accepted(ObjectNode value) {
        return EventSchemas.errors(EventSchemas.JOB_STATUS, value.toString()).isEmpty();
    }

    private String statusValue(Observation observation) throws Exception {
        return new String(events.stateChanged(observation).getData().toBytes(), StandardCharsets.UTF_8);
    }

    private static TrackedJob tracked(String lastState) {
        return new TrackedJob(ID, "encode", lastState, null, Map.of("order", "42"), NOW, 0, null, null, null, 0, TrackedJob.FROM_CHECK, null);
    }
}
