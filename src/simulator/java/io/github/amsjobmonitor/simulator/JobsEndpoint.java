package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AMS v2 {@code Jobs()} query and {@code Jobs('<id>')/Tasks}, with the header, token and
 * {@code $filter} checks of the real service. Paths are relative to the API base and already
 * percent-decoded, so {@code Jobs(%27nb%3Ajid%3A...%27)/Tasks} arrives as {@code Jobs('nb:jid:...')/Tasks}.
 */
final class JobsEndpoint {

    static final String CONTENT_TYPE = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
    static final int MAX_TOP = 1000;
    private static final Pattern TASKS_PATH = Pattern.compile("Jobs\\((.*)\\)/Tasks(?:\\(\\))?");

    private final JobCatalog catalog;
    private final TokenEndpoint tokens;
    private final Clock clock;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger taskRequests = new AtomicInteger();
    private final FaultQueue requestFaults = new FaultQueue();
    private final FaultQueue answerFaults = new FaultQueue();
    private volatile AmsSimulator.JobsQueryListener listener;

    JobsEndpoint(JobCatalog catalog, TokenEndpoint tokens, Clock clock) {
        this.catalog = catalog;
        this.tokens = tokens;
        this.clock = clock;
    }

    Reply handle(String method, String relativePath, String rawQuery, Headers headers, String apiUrl) {
        Reply reply = answer(method, relativePath, rawQuery, headers, apiUrl)
                .withHeader("DataServiceVersion", "3.0;")
                .withHeader("x-ms-request-id", UUID.randomUUID().toString());
        String clientRequestId = headers.getFirst("client-request-id");
        return clientRequestId == null ? reply : reply.withHeader("client-request-id", clientRequestId);
    }

    private Reply answer(String method, String relativePath, String rawQuery, Headers headers, String apiUrl) {
        boolean jobsQuery = relativePath.equals("Jobs()") || relativePath.equals("Jobs");
        Matcher tasksPath = TASKS_PATH.matcher(relativePath);
        boolean tasksQuery = !jobsQuery && tasksPath.matches();
        if (jobsQuery) {
            requests.incrementAndGet();
        } else if (tasksQuery) {
            taskRequests.incrementAndGet();
        }
        ApiFault fault = requestFaults.next();
        if (fault != null) {
            switch (fault.kind()) {
                case STATUS -> {
                    Reply failure = error(fault.status(), fault.status() == 503 ? "Server is busy. Please try again later."
                            : fault.status() == 429 ? "Too many requests." : "Simulated failure.");
                    return fault.retryAfter() == null ? failure
                            : failure.withHeader("Retry-After", String.valueOf(fault.retryAfter().toSeconds()));
                }
                case UNAUTHORIZED -> {
                    return error(401, "Authorization failed: the access token is missing, invalid or expired.")
                            .withHeader("WWW-Authenticate", "Bearer");
                }
                case SLOW -> pause(fault.delay());
                default -> throw new IllegalStateException("not a request fault: " + fault);
            }
        }
        if (!jobsQuery && !tasksQuery) {
            return error(404, "Resource not found for the segment '" + relativePath + "'.");
        }
        if (!"GET".equals(method)) {
            return error(405, "The HTTP verb " + method + " is not allowed on " + (jobsQuery ? "Jobs." : "Tasks."));
        }
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !tokens.isValid(authorization.substring("Bearer ".length()))) {
            return error(401, "Authorization failed: the access token is missing, invalid or expired.")
                    .withHeader("WWW-Authenticate", "Bearer");
        }
        String headerProblem = headerProblem(headers);
        if (headerProblem != null) {
            return error(400, headerProblem);
        }
        try {
            return jobsQuery ? jobs(rawQuery, apiUrl) : tasks(tasksPath.group(1), rawQuery, apiUrl);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    private static String headerProblem(Headers headers) {
        String version = headers.getFirst("x-ms-version");
        if (version == null || !version.startsWith("2.")) {
            return "The 'x-ms-version' header is missing or not a 2.x version.";
        }
        if (!"1.0;NetFx".equals(headers.getFirst("DataServiceVersion"))) {
            return "The 'DataServiceVersion' header must be '1.0;NetFx'.";
        }
        if (!"3.0;NetFx".equals(headers.getFirst("MaxDataServiceVersion"))) {
            return "The 'MaxDataServiceVersion' header must be '3.0;NetFx'.";
        }
        String accept = headers.getFirst("Accept");
        if (accept == null || !accept.contains("application/json")) {
            return "The 'Accept' header must ask for application/json.";
        }
        // verbose JSON has another shape ({"d":...}, /Date()/ dates) that the simulator does not produce
        if (accept.contains("odata=verbose")) {
            return "The simulator only answers odata=minimalmetadata; do not ask for odata=verbose.";
        }
        return null;
    }

    private Reply jobs(String rawQuery, String apiUrl) {
        Map<String, List<String>> query = UrlEncoded.parse(rawQuery);
        for (String option : query.keySet()) {
            if (option.startsWith("$") && !option.equals("$filter") && !option.equals("$top")) {
                throw new IllegalArgumentException("The query option '" + option + "' is not supported by the simulator.");
            }
        }
        int top = top(UrlEncoded.single(query, "$top"));
        String filter = UrlEncoded.single(query, "$filter");
        Instant now = clock.instant();
        List<String> ids = filter == null ? List.of() : ODataFilter.parse(filter).jobIds();
        AmsSimulator.JobsQueryListener current = listener;
        if (current != null) {
            current.onJobsQuery(ids, now);
        }
        List<JobEntity> found = filter == null ? catalog.observeAll(now)
                : ids.stream().flatMap(id -> catalog.observe(id, now).stream()).toList();
        List<JobEntity> page = found.subList(0, Math.min(top, found.size()));
        ApiFault spoiled = answerFaults.next();
        if (spoiled != null) {
            return spoiledAnswer(spoiled.kind(), page, apiUrl);
        }
        return Reply.json(200, CONTENT_TYPE, Reply.object("odata.metadata", apiUrl + "$metadata#Jobs", "value", page));
    }

    /** A 200 answer a client must not take for a jobs page. */
    private static Reply spoiledAnswer(ApiFault.Kind kind, List<JobEntity> page, String apiUrl) {
        return switch (kind) {
            case NOT_JSON -> new Reply(200, "text/html; charset=utf-8",
                    "<html><body><h1>Service temporarily unavailable</h1></body></html>".getBytes(StandardCharsets.UTF_8), Map.of());
            case VERBOSE -> Reply.json(200, "application/json;odata=verbose;charset=utf-8",
                    Map.of("d", Map.of("results", page)));
            case NO_STATE, UNKNOWN_STATE -> {
                List<Map<String, Object>> jobs = new ArrayList<>();
                for (JobEntity job : page) {
                    Map<String, Object> fields = Reply.JSON.convertValue(job, new TypeReference<LinkedHashMap<String, Object>>() { });
                    if (kind == ApiFault.Kind.NO_STATE) {
                        fields.remove("State");
                    } else {
                        fields.put("State", ApiFault.UNKNOWN_STATE_CODE);
                    }
                    jobs.add(fields);
                }
                yield Reply.json(200, CONTENT_TYPE, Reply.object("odata.metadata", apiUrl + "$metadata#Jobs", "value", jobs));
            }
            case OVERSIZED -> {
                byte[] readable = Reply.json(200, CONTENT_TYPE, Reply.object("odata.metadata", apiUrl + "$metadata#Jobs", "value", page)).body();
                byte[] padded = Arrays.copyOf(readable, Math.max(readable.length, ApiFault.OVERSIZED_BYTES));
                Arrays.fill(padded, readable.length, padded.length, (byte) ' ');
                yield new Reply(200, CONTENT_TYPE, padded, Map.of());
            }
            default -> throw new IllegalStateException("not an answer fault: " + kind);
        };
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code key} is what stands between the parentheses of {@code Jobs(...)}: a quoted job ID. */
    private Reply tasks(String key, String rawQuery, String apiUrl) {
        for (String option : UrlEncoded.parse(rawQuery).keySet()) {
            if (option.startsWith("$")) {
                throw new IllegalArgumentException("The query option '" + option + "' is not supported by the simulator.");
            }
        }
        String jobId = key.length() > 2 && key.startsWith("'") && key.endsWith("'") ? key.substring(1, key.length() - 1) : "";
        if (!SimulatedJob.ID_PATTERN.matcher(jobId).matches()) {
            throw new IllegalArgumentException("Bad Request - Error in query syntax.");
        }
        return catalog.observeTasks(jobId, clock.instant())
                .map(tasks -> Reply.json(200, CONTENT_TYPE, Reply.object("odata.metadata", apiUrl + "$metadata#Tasks",
                        "value", tasks)))
                .orElseGet(() -> error(404, "Resource not found for the segment 'Jobs'."));
    }

    private static int top(String value) {
        if (value == null) {
            return MAX_TOP;
        }
        try {
            int top = Integer.parseInt(value);
            if (top >= 1 && top <= MAX_TOP) {
                return top;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for $top: an integer from 1 to " + MAX_TOP + " is expected.");
    }

    static Reply error(int status, String message) {
        return Reply.json(status, CONTENT_TYPE, Map.of("odata.error",
                Reply.object("code", "", "message", Reply.object("lang", "en-US", "value", message))));
    }

    void injectFailures(int status, int times) {
        injectFault(ApiFault.status(status), times);
    }

    /** {@code times} requests (any API request for request faults, 200 Jobs() answers for answer faults), -1 until cleared. */
    void injectFault(ApiFault fault, int times) {
        (fault.kind().spoilsAnswer() ? answerFaults : requestFaults).add(fault, times);
    }

    boolean faultsPending() {
        return !requestFaults.isEmpty() || !answerFaults.isEmpty();
    }

    void clearFaults() {
        requestFaults.clear();
        answerFaults.clear();
    }

    void listener(AmsSimulator.JobsQueryListener newListener) {
        listener = newListener;
    }

    int requestCount() {
        return requests.get();
    }

    int taskRequestCount() {
        return taskRequests.get();
    }

    void resetCounters() {
        requests.set(0);
        taskRequests.set(0);
    }
}
