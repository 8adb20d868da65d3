package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.tracking.TrackedJob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/intake.camel.yaml: one poll's batch of job-ids records (as camel-kafka's batching consumer
 * hands it over: a list of exchanges, each with its manual commit): rejected records to the dead
 * letters byte for byte, one tracking write for the valid ones, the commit only after that write.
 */
class IntakeRouteTest extends RouteTestSupport {

    /** What happened, in order: the tracking write and each partition's commit. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A manual commit that records itself instead of committing (the route calls only commit()). */
    private final class RecordedCommit extends DefaultKafkaManualCommit {
        RecordedCommit(Exchange record, int partition, long offset) {
            super(new KafkaManualCommitFactory.CamelExchangePayload(record, null, "test", null),
                    new KafkaManualCommitFactory.KafkaRecordPayload(new TopicPartition("job-ids", partition), offset, 1000));
        }

        @Override
        public void commit() {
            events.add("commit " + getPartition().partition() + "@" + getRecordOffset());
        }
    }

    @BeforeEach
    void recordWrites() {
        events.clear();
        tracking().whenAnyExchangeReceived(write -> events.add("tracking write"));
    }

    private Exchange record(byte[] value, int partition, long offset) {
        Exchange record = new DefaultExchange(context);
        Message message = record.getMessage();
        message.setBody(value);
        message.setHeader(KafkaConstants.TOPIC, "job-ids");
        message.setHeader(KafkaConstants.PARTITION, partition);
        message.setHeader(KafkaConstants.OFFSET, offset);
        message.setHeader(KafkaConstants.MANUAL_COMMIT, new RecordedCommit(record, partition, offset));
        return record;
    }

    private Exchange record(String value, int partition, long offset) {
        return record(value.getBytes(StandardCharsets.UTF_8), partition, offset);
    }

    private Exchange intake(Exchange... records) {
        List<Exchange> batch = new ArrayList<>(List.of(records));
        return template.send("direct:intake", e -> e.getMessage().setBody(batch));
    }

    @Test
    void should_dead_letter_each_invalid_record_byte_for_byte_with_its_code_and_reason() {
        byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28, 'n', 'b'};
        String injection = "nb:jid:UUID:1234' or Id ne '";
        String noJobId = "{\"correlationData\":{\"ticket\":\"MEDIA-7\"}}";

        Exchange done = intake(record(notUtf8, 0, 10), record(injection, 0, 11), record(noJobId, 1, 5));

        assertEquals(null, done.getException());
        assertEquals(3, deadLetter().getReceivedCounter());
        List<Exchange> dead = deadLetter().getReceivedExchanges();
        assertArrayEquals(notUtf8, dead.get(0).getMessage().getBody(byte[].class));
        assertEquals("INVALID_INPUT", dead.get(0).getMessage().getHeader("monitor-error-code"));
        assertArrayEquals(injection.getBytes(StandardCharsets.UTF_8), dead.get(1).getMessage().getBody(byte[].class));
        assertEquals("INVALID_JOB_ID", dead.get(1).getMessage().getHeader("monitor-error-code"));
        assertArrayEquals(noJobId.getBytes(StandardCharsets.UTF_8), dead.get(2).getMessage().getBody(byte[].class));
        assertEquals("INVALID_INPUT", dead.get(2).getMessage().getHeader("monitor-error-code"));
        for (Exchange rejected : dead) {
            String reason = rejected.getMessage().getHeader("monitor-error-reason", String.class);
            assertNotNull(reason);
            assertTrue(reason.length() > 10, reason);
            assertEquals(Map.of(), otherHeaders(rejected), "nothing of the record but its bytes and the reason");
        }
        assertEquals(0, tracking().getReceivedCounter(), "nothing to track");
        assertEquals(List.of("commit 0@11", "commit 1@5"), events, "a rejected record is done with once dead-lettered");
    }

    @Test
    void should_write_one_tracking_record_per_valid_job_keyed_by_job_id_in_one_write() {
        String bare = newJobId();
        String withCorrelation = newJobId();
        String json = "{\"jobId\":\"" + withCorrelation + "\",\"correlationData\":{\"ticket\":\"MEDIA-102\"}}";

        intake(record(bare, 0, 1), record("not a job", 0, 2), record(json, 0, 3));

        assertEquals(1, tracking().getReceivedCounter(), "one write for the whole batch");
        List<?> records = tracking().getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertEquals(2, records.size(), "one record per valid job");
        Message first = assertInstanceOf(Message.class, records.get(0));
        Message second = assertInstanceOf(Message.class, records.get(1));
        assertEquals(bare, first.getHeader(KafkaConstants.KEY));
        assertEquals(withCorrelation, second.getHeader(KafkaConstants.KEY));
        TrackedJob bareRequest = schedule().read(first.getBody(byte[].class));
        assertEquals(bare, bareRequest.jobId());
        assertTrue(bareRequest.isRequest());
        assertEquals(bare, bareRequest.originalRecord());
        TrackedJob jsonRequest = schedule().read(second.getBody(byte[].class));
        assertEquals(Map.of("ticket", "MEDIA-102"), jsonRequest.correlationData());
        assertNull(jsonRequest.input(), "only what events need is kept, not the producer's text");
        assertEquals("{\"jobId\":\"" + withCorrelation + "\",\"correlationData\":{\"ticket\":\"MEDIA-102\"}}",
                jsonRequest.originalRecord(), "rebuilt for the dead-letter topic");
        assertEquals(1, deadLetter().getReceivedCounter());
    }

    @Test
    void should_key_both_spellings_of_a_job_id_by_its_canonical_form() {
        String canonical = newJobId();
        String upper = JOB_ID_PREFIX + canonical.substring(JOB_ID_PREFIX.length()).toUpperCase(java.util.Locale.ROOT);

        intake(record(canonical, 0, 40), record(upper, 0, 41));

        List<?> records = tracking().getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertEquals(List.of(canonical, canonical), records.stream().map(r -> ((Message) r).getHeader(KafkaConstants.KEY)).toList());
        TrackedJob fromUpper = schedule().read(((Message) records.get(1)).getBody(byte[].class));
        assertEquals(canonical, fromUpper.jobId());
        // only what events need is kept: a later dead letter rebuilds the request, in canonical form
        assertEquals(canonical, fromUpper.originalRecord());
        assertEquals(0, deadLetter().getReceivedCounter());
    }

    @Test
    void should_dead_letter_a_request_whose_correlation_data_is_over_the_limit_and_track_the_others() {
        String kept = newJobId();
        String tooLarge = "{\"jobId\":\"" + newJobId() + "\",\"correlationData\":{\"k\":\"" + "x".repeat(4096) + "\"}}";

        intake(record(tooLarge, 0, 60), record(kept, 0, 61));

        assertEquals(1, deadLetter().getReceivedCounter());
        Exchange dead = deadLetter().getReceivedExchanges().get(0);
        assertEquals("CORRELATION_DATA_TOO_LARGE", dead.getMessage().getHeader("monitor-error-code"));
        assertArrayEquals(tooLarge.getBytes(StandardCharsets.UTF_8), dead.getMessage().getBody(byte[].class), "as it came");
        List<?> records = tracking().getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertEquals(List.of(kept), records.stream().map(r -> ((Message) r).getHeader(KafkaConstants.KEY)).toList());
        assertEquals(List.of("tracking write", "commit 0@61"), events);
    }

    @Test
    void should_commit_each_partitions_last_offset_only_after_the_tracking_write() {
        intake(record(newJobId(), 0, 7), record(newJobId(), 1, 3), record(newJobId(), 0, 8), record(newJobId(), 1, 4));

        assertEquals(List.of("tracking write", "commit 0@8", "commit 1@4"), events);
    }

    @Test
    void should_not_commit_when_the_tracking_write_fails() {
        tracking().whenAnyExchangeReceived(write -> {
            events.add("tracking write");
            throw new KafkaException("broker away");
        });

        Exchange done = intake(record(newJobId(), 0, 20), record(newJobId(), 0, 21));

        assertInstanceOf(KafkaException.class, done.getException(), "the batch fails: it is read again");
        // monitor.kafka-write.retries = 1 in these tests
        assertEquals(List.of("tracking write", "tracking write"), events, "no commit");
    }

    @Test
    void should_fail_the_batch_on_a_failed_write_whatever_exchange_properties_it_carries() {
        tracking().whenAnyExchangeReceived(write -> {
            events.add("tracking write");
            throw new KafkaException("broker away");
        });
        List<Exchange> batch = new ArrayList<>(List.of(record(newJobId(), 0, 50)));

        // a property that once made the shared handler take intake for a check
        Exchange done = template.send("direct:intake", e -> {
            e.setProperty("checking", "a job");
            e.getMessage().setBody(batch);
        });

        assertInstanceOf(KafkaException.class, done.getException(), "the batch fails: it is read again");
        assertTrue(events.stream().noneMatch(event -> event.startsWith("commit")), events.toString());
    }

    @Test
    void should_not_commit_when_a_dead_letter_write_fails() {
        deadLetter().whenAnyExchangeReceived(write -> {
            throw new KafkaException("broker away");
        });

        Exchange done = intake(record("not a job", 0, 30), record(newJobId(), 0, 31));

        assertInstanceOf(KafkaException.class, done.getException(), "the batch fails: it is read again");
        assertTrue(events.stream().noneMatch(event -> event.startsWith("commit")), events.toString());
    }

    private static Map<String, Object> otherHeaders(Exchange record) {
        Map<String, Object> headers = new java.util.HashMap<>(record.getMessage().getHeaders());
        headers.remove("monitor-error-code");
        headers.remove("monitor-error-reason");
        return headers;
    }
}
