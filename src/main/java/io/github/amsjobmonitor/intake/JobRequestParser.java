package io.github.amsjobmonitor.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.ams.JobId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a record of the job-IDs topic: either the bare job ID or
 * {@code {"jobId": "...", "correlationData": {"k": "v"}}}. Anything else is rejected with a code and a
 * reason a producer can act on; a rejected record never reaches the AMS API.
 */
public class JobRequestParser {

    public static final String INVALID_JOB_ID = "INVALID_JOB_ID";
    public static final String INVALID_INPUT = "INVALID_INPUT";
    public static final String CORRELATION_DATA_TOO_LARGE = "CORRELATION_DATA_TOO_LARGE";

    /** The default of monitor.intake.max-correlation-bytes. */
    public static final int DEFAULT_MAX_CORRELATION_BYTES = 4096;
    /**
     * What one correlationData entry costs in memory beyond its text (two String objects, their arrays,
     * a map slot): measured 88 bytes per entry of {"a":"",...} against 8 bytes of JSON. Counted in the
     * size, so that the cap bounds the heap a job takes, whatever the shape (docs/design.md).
     */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    /** Larger records are not job requests; refusing them early keeps a bad producer from costing memory. */
    public static final int MAX_BYTES = 64 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final int maxCorrelationBytes;

    public JobRequestParser() {
        this(DEFAULT_MAX_CORRELATION_BYTES);
    }

    /** @param maxCorrelationBytes the largest correlationData taken in (see {@link #correlationSize}); 0: none */
    public JobRequestParser(int maxCorrelationBytes) {
        if (maxCorrelationBytes < 0) {
            throw new IllegalArgumentException("the correlationData cap must not be negative");
        }
        this.maxCorrelationBytes = maxCorrelationBytes;
    }

    public JobRequest parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(INVALID_INPUT, "The record is empty; expected a job ID or a JSON object with jobId.");
        }
        if (value.length > MAX_BYTES) {
            throw new RejectedInputException(INVALID_INPUT,
                    "The record is " + value.length + " bytes; a job request is at most " + MAX_BYTES + " bytes.");
        }
        String text = decodeUtf8(value).strip();
        if (text.startsWith("{")) {
            return parseJson(text);
        }
        return new JobRequest(requireJobId(text), Map.of());
    }

    private JobRequest parseJson(String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (IOException e) {
            throw new RejectedInputException(INVALID_INPUT, "The record starts like JSON but is not valid JSON.");
        }
        JsonNode jobId = root.get("jobId");
        if (jobId == null || !jobId.isTextual()) {
            throw new RejectedInputException(INVALID_INPUT, "The JSON object has no text field jobId.");
        }
        String canonicalId = requireJobId(jobId.textValue());
        Map<String, String> correlationData = correlationData(root.get("correlationData"));
        int size = correlationSize(correlationData);
        if (size > maxCorrelationBytes) {
            throw new RejectedInputException(CORRELATION_DATA_TOO_LARGE, "correlationData counts " + size
                    + " bytes (its JSON text in UTF-8 plus " + ENTRY_OVERHEAD_BYTES + " per entry); at most "
                    + maxCorrelationBytes + " are kept per job (monitor.intake.max-correlation-bytes).");
        }
        return new JobRequest(canonicalId, correlationData);
    }

    /**
     * The size correlationData counts against the cap: its JSON text as the monitor writes it, in
     * UTF-8, plus {@link #ENTRY_OVERHEAD_BYTES} per entry. The text alone would let a thousand tiny
     * entries take ten times the heap of one long value of the same length.
     */
    int correlationSize(Map<String, String> correlationData) {
        if (correlationData.isEmpty()) {
            return 0;
        }
        try {
            return json.writeValueAsBytes(correlationData).length + ENTRY_OVERHEAD_BYTES * correlationData.size();
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    private static Map<String, String> correlationData(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new RejectedInputException(INVALID_INPUT, "correlationData must be a JSON object of strings.");
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!field.getValue().isTextual()) {
                throw new RejectedInputException(INVALID_INPUT,
                        "correlationData must be a JSON object of strings; field '" + field.getKey() + "' is not a string.");
            }
            data.put(field.getKey(), field.getValue().textValue());
        }
        return data;
    }

    /** The job ID in its canonical form (lower-case GUID): both spellings are one tracked job. */
    private static String requireJobId(String candidate) {
        if (!JobId.isValid(candidate)) {
            throw new RejectedInputException(INVALID_JOB_ID,
                    "Not an AMS v2 job ID; expected nb:jid:UUID:<uuid> (for example nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11).");
        }
        return JobId.canonical(candidate);
    }

    private static String decodeUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RejectedInputException(INVALID_INPUT, "The record is not valid UTF-8 text.");
        }
    }
}
