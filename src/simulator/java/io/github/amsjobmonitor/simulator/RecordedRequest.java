package io.github.amsjobmonitor.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the simulator answered, for test assertions. {@code pathAndQuery} is raw, as sent.
 * The {@code Authorization} value is redacted to its scheme, and bodies are never kept (the token
 * request body holds the client secret).
 */
public record RecordedRequest(Instant receivedAt, String method, String pathAndQuery,
                              Map<String, List<String>> headers, int status) {

    /** First value of a header, matched case-insensitively; null when absent. */
    public String header(String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .map(entry -> entry.getValue().get(0))
                .findFirst().orElse(null);
    }

    /** A decoded query parameter, e.g. {@code queryParameter("$filter")}; null when absent. */
    public String queryParameter(String name) {
        int question = pathAndQuery.indexOf('?');
        if (question < 0) {
            return null;
        }
        List<String> values = UrlEncoded.parse(pathAndQuery.substring(question + 1)).get(name);
        return values == null ? null : values.get(0);
    }
}
