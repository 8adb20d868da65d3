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
 * reason a producer can act on; a rejected record never reaches the AMS API. The job ID comes out in
 * its canonical form ({@link JobId#canonical}).
 */
public class JobRequestParser {

    public static final String INVALID_JOB_ID = "INVALID_JOB_ID";
    public static final String INVALID_INPUT = "INVALID_INPUT";
    public static final String CORRELATION_DATA_TOO_LARGE = "CORRELATION_DATA_TOO_LARGE";
    /** monitor.intake.max-correlation-bytes when not set. */
    public static final int DEFAULT_MAX_CORRELATION_BYTES = 4096;

    /** Larger records are not job requests; refusing them early keeps a bad producer from costing memory. */
    public static final int MAX_BYTES = 64 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final long maxCorrelationBytes;

    public JobRequestParser() {
        this(DEFAULT_MAX_CORRELATION_BYTES);
    }

    /**
     * @param maxCorrelationBytes the most bytes a request's {@code correlationData} may have (as JSON):
     *                            it is kept with the job for as long as it is tracked, and copied onto every event
     */
    public JobRequestParser(long maxCorrelationBytes) {
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
        return new JobRequest(requireJobId(jobId.textValue()), correlationData(root.get("correlationData")));
    }

    private Map<String, String> correlationData(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new RejectedInputException(INVALID_INPUT, "correlationData must be a JSON object of strings.");
        }
        int size = node.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > maxCorrelationBytes) {
            throw new RejectedInputException(CORRELATION_DATA_TOO_LARGE, "correlationData is " + size
                    + " bytes of JSON; at most " + maxCorrelationBytes + " are taken (monitor.intake.max-correlation-bytes).");
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
