package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Producers' bad input goes to the dead-letter topic byte for byte, with a code and a reason, and
 * the monitor carries on; none of it ever reaches the AMS API (the simulator's filter parser is
 * strict, and every request it saw named a valid job).
 */
class RejectedInputTest {

    private static final String VALID = SimulatedJob.randomId();
    private static final String UNKNOWN = SimulatedJob.randomId();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static final Map<String, byte[]> BAD = new LinkedHashMap<>();

    @BeforeAll
    static void sendBadInputThenAGoodJob() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.register(VALID, "good", JobScenario.LONG_RUNNING, Duration.ofHours(1));
        topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.not-found.max-attempts", "3");
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        BAD.put("INVALID_JOB_ID", utf8("hello"));
        BAD.put("INVALID_JOB_ID ", utf8("nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11' or Id ne '"));
        BAD.put("INVALID_JOB_ID  ", utf8("{\"jobId\":\"12345\"}"));
        BAD.put("INVALID_INPUT", new byte[0]);
        BAD.put("INVALID_INPUT ", utf8("{\"correlationData\":{}}"));
        BAD.put("INVALID_INPUT  ", utf8("{\"jobId\":\"" + VALID + "\",\"correlationData\":{\"n\":1}}"));
        BAD.put("INVALID_INPUT   ", new byte[] {'n', 'b', (byte) 0xC3, (byte) 0x28});
        BAD.put("INVALID_JOB_ID   ", utf8("{\"jobId\":\"nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11' or Id ne '\"}"));
        BAD.put("INVALID_INPUT     ", utf8("{\"jobId\":\"" + VALID + "\",\"correlationData\":[\"a\"]}"));
        byte[] big = new byte[200 * 1024];
        Arrays.fill(big, (byte) 'x');
        BAD.put("INVALID_INPUT    ", big);
        BAD.forEach((code, value) -> kafka.send(topics.jobIds(), "k", value));
        kafka.send(topics.jobIds(), null, UNKNOWN);
        kafka.send(topics.jobIds(), null, VALID);
    }

    @AfterAll
    static void stop() {
        monitor.close();
        kafka.close();
        simulator.close();
    }

    private static byte[] json(Object value) {
        try {
            return new ObjectMapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_dead_letter_each_bad_record_byte_for_byte_with_a_code_and_a_reason() {
        List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(),
                r -> "k".equals(r.key()), BAD.size(), WAIT);
        assertEquals(BAD.size(), dead.size());
        List<Map.Entry<String, byte[]>> sent = List.copyOf(BAD.entrySet());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i).getValue(), dead.get(i).value());
            assertEquals(sent.get(i).getKey().strip(), header(dead.get(i), "monitor-error-code"));
            assertFalse(header(dead.get(i), "monitor-error-reason").isBlank());
        }
    }

    @Test
    void should_carry_on_with_the_next_record() {
        assertEquals(1, kafka.consume(topics.jobStatus(), r -> VALID.equals(r.key()), 1, WAIT).size());
    }

    @Test
    void should_dead_letter_a_job_ams_never_knew_after_the_configured_attempts() {
        List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> UNKNOWN.equals(r.key()), 1, WAIT);
        assertEquals(1, dead.size());
        assertArrayEquals(utf8(UNKNOWN), dead.get(0).value());
        assertEquals("JOB_NOT_FOUND", header(dead.get(0), "monitor-error-code"));
        long checks = simulator.recordedRequests().stream()
                .filter(r -> r.queryParameter("$filter") != null && askedFor(r.queryParameter("$filter")).contains(UNKNOWN)).count();
        assertEquals(3, checks);
    }

    @Test
    void should_never_send_rejected_input_to_the_api() {
        kafka.consume(topics.jobStatus(), r -> VALID.equals(r.key()), 1, WAIT);
        simulator.recordedRequests().stream().filter(r -> r.pathAndQuery().startsWith("/api/")).forEach(r -> {
            assertEquals(200, r.status(), r.pathAndQuery());
            String filter = r.queryParameter("$filter");
            assertTrue(List.of(VALID, UNKNOWN).containsAll(askedFor(filter)), filter);
        });
    }

    /** The job IDs of a batched filter: {@code Id eq 'a' or Id eq 'b'}. */
    private static List<String> askedFor(String filter) {
        return Arrays.stream(filter.split(" or ")).map(term -> {
            assertTrue(term.startsWith("Id eq '") && term.endsWith("'"), term);
            return term.substring("Id eq '".length(), term.length() - 1);
        }).toList();
    }

    @Test
    void should_escape_a_correlation_data_key_with_cr_lf_in_the_reason_header_and_the_log_line() {
        // a key (quoted in the reason, as its value is not a string) that tries to forge a second log line
        String forgedKey = "a\r\n2026-12-02T18:00:00.000Z INFO  [main] forged - ok\u2028";
        String escapedKey = "a\\r\\n2026-12-02T18:00:00.000Z INFO  [main] forged - ok\\u2028";
        byte[] input = json(Map.of("jobId", VALID, "correlationData", Map.of(forgedKey, 1)));
        Logger deadLetterLog = (Logger) LoggerFactory.getLogger("io.github.amsjobmonitor.dead-letter");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        deadLetterLog.addAppender(lines);
        try {
            kafka.send(topics.jobIds(), "forged", input);
            List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> "forged".equals(r.key()), 1, WAIT);
            assertEquals(1, dead.size());
            assertArrayEquals(input, dead.get(0).value(), "the record itself stays byte for byte");
            String reason = header(dead.get(0), "monitor-error-reason");
            assertTrue(reason.contains("field '" + escapedKey + "'"), reason);
            assertFalse(reason.contains("\r") || reason.contains("\n") || reason.contains("\u2028"), reason);

            // logged before the record is written, so it is there now
            List<String> logged = List.copyOf(lines.list).stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.contains("forged")).toList();
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("field '" + escapedKey + "'"), logged.get(0));
            assertFalse(logged.get(0).contains("\r") || logged.get(0).contains("\n"), logged.get(0));
        } finally {
            deadLetterLog.detachAppender(lines);
        }
    }
}
