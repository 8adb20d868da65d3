package io.github.amsjobmonitor.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobRequestParserTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";

    private final JobRequestParser parser = new JobRequestParser();

    private JobRequest parse(String text) {
        return parser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private RejectedInputException rejected(byte[] value) {
        return assertThrows(RejectedInputException.class, () -> parser.parse(value));
    }

    @Test
    void should_accept_a_bare_job_id() {
        assertEquals(new JobRequest(ID, Map.of()), parse(ID));
    }

    @Test
    void should_accept_a_bare_job_id_with_a_trailing_newline() {
        assertEquals(new JobRequest(ID, Map.of()), parse(ID + "\n"));
    }

    @Test
    void should_accept_json_with_correlation_data() {
        JobRequest request = parse("{\"jobId\":\"" + ID + "\",\"correlationData\":{\"order\":\"42\",\"team\":\"media\"}}");
        assertEquals(ID, request.jobId());
        assertEquals(Map.of("order", "42", "team", "media"), request.correlationData());
    }

    @Test
    void should_accept_json_without_correlation_data() {
        assertEquals(new JobRequest(ID, Map.of()), parse("{\"jobId\":\"" + ID + "\"}"));
    }

    @Test
    void should_give_the_job_id_in_canonical_form_whatever_the_case_of_its_guid() {
        String upper = "nb:jid:UUID:" + ID.substring("nb:jid:UUID:".length()).toUpperCase();
        assertEquals(ID, parse(upper).jobId());
        assertEquals(ID, parse("{\"jobId\":\"" + upper + "\"}").jobId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "nb:jid:UUID:not-a-uuid", ID + "' or Id ne '", "{\"jobId\":\"12345\"}"})
    void should_reject_what_is_not_a_job_id_as_invalid_job_id(String text) {
        assertEquals(JobRequestParser.INVALID_JOB_ID, rejected(text.getBytes(StandardCharsets.UTF_8)).getCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"" + ID + "\"}",
            "{\"jobId\":42}",
            "{\"jobId\":\"" + ID + "\",\"correlationData\":[\"a\"]}",
            "{\"jobId\":\"" + ID + "\",\"correlationData\":{\"n\":1}}",
            "{\"jobId\":\"" + ID + "\",\"correlationData\":{\"n\":{\"deep\":\"x\"}}}",
            "{not json"})
    void should_reject_malformed_json_as_invalid_input(String text) {
        assertEquals(JobRequestParser.INVALID_INPUT, rejected(text.getBytes(StandardCharsets.UTF_8)).getCode());
    }

    @Test
    void should_reject_an_empty_record() {
        assertEquals(JobRequestParser.INVALID_INPUT, rejected(new byte[0]).getCode());
        assertEquals(JobRequestParser.INVALID_INPUT, rejected(null).getCode());
    }

    @Test
    void should_reject_invalid_utf8() {
        RejectedInputException e = rejected(new byte[] {'n', 'b', (byte) 0xC3, (byte) 0x28});
        assertEquals(JobRequestParser.INVALID_INPUT, e.getCode());
        assertEquals("The record is not valid UTF-8 text.", e.getReason());
    }

    @Test
    void should_reject_an_oversized_record_without_reading_it() {
        byte[] big = new byte[200 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        assertEquals(JobRequestParser.INVALID_INPUT, rejected(big).getCode());
    }

    @Test
    void should_escape_control_characters_of_a_correlation_data_key_quoted_in_the_reason() {
        RejectedInputException e = rejected(("{\"jobId\":\"" + ID + "\",\"correlationData\":"
                + "{\"a\\r\\nWARN forged\\u2028x\":1}}").getBytes(StandardCharsets.UTF_8));
        assertEquals("correlationData must be a JSON object of strings; field 'a\\r\\nWARN forged\\u2028x' is not a string.",
                e.getReason());
    }

    @Test
    void should_reject_correlation_data_beyond_the_cap_as_correlation_data_too_large() {
        JobRequestParser capped = new JobRequestParser(100);
        // {"k":"<v>"}: 8 bytes of JSON around the value, plus 64 for the entry
        byte[] fits = json(Map.of("k", "x".repeat(100 - 8 - 64)));
        byte[] oneMore = json(Map.of("k", "x".repeat(100 - 8 - 64 + 1)));

        assertEquals(Map.of("k", "x".repeat(28)), capped.parse(fits).correlationData());
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> capped.parse(oneMore));
        assertEquals(JobRequestParser.CORRELATION_DATA_TOO_LARGE, e.getCode());
        assertEquals("correlationData counts 101 bytes (its JSON text in UTF-8 plus 64 per entry); at most 100 are kept per job"
                + " (monitor.intake.max-correlation-bytes).", e.getReason());
    }

    @Test
    void should_count_many_tiny_entries_by_what_they_cost_in_memory_not_by_their_text() {
        Map<String, String> tiny = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            tiny.put(Integer.toString(i, 36), "");
        }
        // about 2,400 bytes of JSON, well under 4096, but 300 entries cost ~26 KB of heap
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> parser.parse(json(tiny)));
        assertEquals(JobRequestParser.CORRELATION_DATA_TOO_LARGE, e.getCode());
    }

    @Test
    void should_count_multi_byte_text_by_its_utf8_bytes() {
        JobRequestParser capped = new JobRequestParser(8 + 64 + 20);
        assertEquals(Map.of("k", "\u00e9".repeat(10)), capped.parse(json(Map.of("k", "\u00e9".repeat(10)))).correlationData());
        assertThrows(RejectedInputException.class, () -> capped.parse(json(Map.of("k", "\u00e9".repeat(11)))));
    }

    @Test
    void should_take_no_correlation_data_at_all_with_a_cap_of_zero() {
        JobRequestParser none = new JobRequestParser(0);
        assertEquals(new JobRequest(ID, Map.of()), none.parse(json(Map.of())));
        assertThrows(RejectedInputException.class, () -> none.parse(json(Map.of("k", "v"))));
    }

    private static byte[] json(Map<String, String> correlationData) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsBytes(Map.of("jobId", ID, "correlationData", correlationData));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
