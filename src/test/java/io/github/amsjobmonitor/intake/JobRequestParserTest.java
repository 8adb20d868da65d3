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
    void should_take_correlation_data_up_to_the_limit_and_reject_larger_with_its_own_code() {
        JobRequestParser small = new JobRequestParser(40);
        String fits = "{\"jobId\":\"" + ID + "\",\"correlationData\":{\"k\":\"" + "x".repeat(32) + "\"}}";
        String tooLarge = "{\"jobId\":\"" + ID + "\",\"correlationData\":{\"k\":\"" + "x".repeat(33) + "\"}}";

        assertEquals(Map.of("k", "x".repeat(32)), small.parse(fits.getBytes(StandardCharsets.UTF_8)).correlationData());
        RejectedInputException rejected = assertThrows(RejectedInputException.class,
                () -> small.parse(tooLarge.getBytes(StandardCharsets.UTF_8)));
        assertEquals(JobRequestParser.CORRELATION_DATA_TOO_LARGE, rejected.getCode());
        assertTrue(rejected.getReason().contains("41 bytes"), rejected.getReason());
    }

    @Test
    void should_take_four_kib_of_correlation_data_by_default() {
        String data = "{\"k\":\"" + "x".repeat(4096 - 8) + "\"}";
        assertEquals(4096, data.length());
        assertEquals(1, parse("{\"jobId\":\"" + ID + "\",\"correlationData\":" + data + "}").correlationData().size());
        RejectedInputException rejected = rejected(("{\"jobId\":\"" + ID + "\",\"correlationData\":{\"k\":\"" + "x".repeat(4096 - 7)
                + "\"}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(JobRequestParser.CORRELATION_DATA_TOO_LARGE, rejected.getCode());
    }
}
