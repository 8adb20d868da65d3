package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.SimulatorHttp.filterQuery;
import static io.github.amsjobmonitor.simulator.SimulatorHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorJobsApiTest {

    private static final String JOB_A = "nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81";
    private static final String JOB_B = "nb:jid:UUID:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String UNKNOWN = "nb:jid:UUID:00000000-0000-0000-0000-000000000000";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T14:00:00.123Z"));
    private AmsSimulator simulator;
    private SimulatorHttp http;

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults(), clock).start();
        http = new SimulatorHttp(simulator);
        simulator.register(JOB_A, "encode A", JobScenario.FINISH, Duration.ofSeconds(10));
        simulator.register(JOB_B, "encode B", JobScenario.LONG_RUNNING, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        simulator.stop();
    }

    @Test
    void should_answer_a_job_query_exactly_like_ams() {
        HttpResponse<String> response = http.jobs(filterQuery("Id eq '" + JOB_A + "'") + "&$top=1");

        assertEquals(200, response.statusCode());
        assertEquals("application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"odata.metadata\":\"" + simulator.apiUrl() + "$metadata#Jobs\",\"value\":[{"
                + "\"Id\":\"" + JOB_A + "\",\"Name\":\"encode A\",\"Created\":\"2026-11-26T14:00:00.123\","
                + "\"LastModified\":\"2026-11-26T14:00:00.123\",\"EndTime\":null,\"Priority\":0,"
                + "\"RunningDuration\":0.0,\"StartTime\":null,\"State\":0,\"TemplateId\":null,"
                + "\"JobNotificationSubscriptions\":[]}]}", response.body());
        assertTrue(simulator.apiUrl().matches("http://127\\.0\\.0\\.1:\\d+/api/"));
        assertEquals(1, simulator.jobsRequestCount());
    }

    @Test
    void should_return_both_jobs_of_an_or_filter_in_filter_order() {
        JsonNode body = json(http.jobs(filterQuery("Id eq '" + JOB_B + "' or Id eq '" + UNKNOWN + "' or Id eq '" + JOB_A + "'")));

        assertEquals(List.of(JOB_B, JOB_A), ids(body));
    }

    @Test
    void should_limit_the_answer_to_top() {
        JsonNode body = json(http.jobs(filterQuery("Id eq '" + JOB_B + "' or Id eq '" + JOB_A + "'") + "&$top=1"));

        assertEquals(List.of(JOB_B), ids(body));
    }

    @Test
    void should_list_every_job_without_a_filter() {
        assertEquals(List.of(JOB_A, JOB_B), ids(json(http.jobs(null))));
    }

    @Test
    void should_answer_an_empty_value_for_an_unknown_job() {
        HttpResponse<String> response = http.jobs(filterQuery("Id eq '" + UNKNOWN + "'"));

        assertEquals(200, response.statusCode());
        assertEquals(0, json(response).get("value").size());
    }

    @Test
    void should_accept_plus_encoded_spaces() {
        HttpResponse<String> response = http.jobs("$filter=Id+eq+'" + JOB_A + "'");

        assertEquals(List.of(JOB_A), ids(json(response)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Id ne '%s'", "Id eq '%s' and Id eq '%s'", "Id eq \"%s\"", "Id eq '%s'' or ''='",
            "Id eq '%s' OR Id eq '%s'", "Id eq %s", "garbage %s", "Name eq '%s'"})
    void should_reject_a_filter_that_is_not_ids_joined_by_or(String template) {
        HttpResponse<String> response = http.jobs(filterQuery(template.replace("%s", JOB_A)));

        assertOdataError(400, response);
        assertTrue(json(response).at("/odata.error/message/value").asText().startsWith("Syntax error at position"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$top=0", "$top=1001", "$top=-1", "$top=abc", "$top=1&$top=2", "$skip=1", "$orderby=Created"})
    void should_reject_bad_query_options(String query) {
        assertOdataError(400, http.jobs(filterQuery("Id eq '" + JOB_A + "'") + "&" + query));
    }

    @Test
    void should_answer_401_without_a_token() {
        HttpRequest request = withoutHeader(http.jobsRequest(null), "Authorization").build();

        HttpResponse<String> response = http.send(request);
        assertOdataError(401, response);
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void should_answer_401_to_a_token_it_did_not_issue() {
        HttpRequest request = http.jobsRequest(null).setHeader("Authorization", "Bearer made-up").build();

        assertOdataError(401, http.send(request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-ms-version", "DataServiceVersion", "MaxDataServiceVersion", "Accept"})
    void should_answer_400_when_a_required_header_is_missing(String header) {
        assertOdataError(400, http.send(withoutHeader(http.jobsRequest(null), header).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-ms-version:3.0", "DataServiceVersion:3.0;NetFx", "MaxDataServiceVersion:1.0",
            "Accept:application/xml", "Accept:application/json;odata=verbose"})
    void should_answer_400_when_a_required_header_is_wrong(String header) {
        String[] nameValue = header.split(":", 2);
        assertOdataError(400, http.send(http.jobsRequest(null).setHeader(nameValue[0], nameValue[1]).build()));
    }

    @Test
    void should_echo_the_client_request_id() {
        HttpResponse<String> response = http.send(http.jobsRequest(null).header("client-request-id", "abc-123").build());

        assertEquals("abc-123", response.headers().firstValue("client-request-id").orElseThrow());
    }

    @Test
    void should_answer_404_to_an_unknown_segment() {
        assertOdataError(404, http.send(http.apiRequest("Jobs('" + JOB_A + "')/OutputMediaAssets").build()));
        assertOdataError(404, http.send(http.apiRequest("Assets()").build()));
        assertEquals(0, simulator.jobsRequestCount());
        assertEquals(0, simulator.tasksRequestCount());
    }

    @Test
    void should_fail_the_next_requests_when_told_to() {
        simulator.failNextApiRequests(503, 2);

        assertOdataError(503, http.jobs(null));
        assertOdataError(503, http.jobs(null));
        assertEquals(200, http.jobs(null).statusCode());
        assertEquals(3, simulator.jobsRequestCount());
    }

    @Test
    void should_redirect_permanently_after_relocation() {
        String oldApiUrl = simulator.apiUrl();
        simulator.relocateApi("/cluster2/api/");
        String query = filterQuery("Id eq '" + JOB_A + "'");
        HttpRequest.Builder old = http.jobsRequest(query).uri(URI.create(oldApiUrl + "Jobs()?" + query));

        HttpResponse<String> moved = http.send(old.build());
        assertEquals(301, moved.statusCode());
        String location = moved.headers().firstValue("Location").orElseThrow();
        assertEquals(simulator.baseUrl() + "/cluster2/api/Jobs()?" + query, location);
        assertEquals(List.of(JOB_A), ids(json(http.send(old.uri(URI.create(location)).build()))));
    }

    @Test
    void should_record_requests_and_reset_counters() {
        http.jobs(filterQuery("Id eq '" + JOB_A + "'"));

        RecordedRequest last = simulator.recordedRequests().get(simulator.recordedRequests().size() - 1);
        assertEquals("GET", last.method());
        assertEquals("Id eq '" + JOB_A + "'", last.queryParameter("$filter"));
        assertEquals("2.19", last.header("X-MS-VERSION"));
        assertEquals(200, last.status());
        assertEquals(1, simulator.jobsRequestCount());
        assertEquals(1, simulator.tokenRequestCount());

        simulator.reset();
        assertEquals(0, simulator.jobsRequestCount());
        assertEquals(0, simulator.tokenRequestCount());
        assertTrue(simulator.recordedRequests().isEmpty());
    }

    @Test
    void should_register_jobs_through_the_control_endpoint() {
        String jobId = "nb:jid:UUID:3c3c3c3c-1111-4222-8333-444455556666";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/simulator/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jobId\":\"" + jobId + "\",\"name\":\"demo\",\"scenario\":\"ERROR\",\"stepMillis\":2000}"))
                .build());
        HttpResponse<String> rejected = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/simulator/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"bad\",\"scenario\":\"FINISH\"}")).build());

        assertEquals(201, created.statusCode());
        assertEquals(400, rejected.statusCode());
        clock.advance(Duration.ofMillis(4000));
        assertEquals(JobState.ERROR.code(), simulator.currentJob(jobId).orElseThrow().state());
    }

    private static HttpRequest.Builder withoutHeader(HttpRequest.Builder builder, String name) {
        HttpRequest template = builder.build();
        HttpRequest.Builder copy = HttpRequest.newBuilder(template.uri());
        template.headers().map().forEach((header, values) -> {
            if (!header.equalsIgnoreCase(name)) {
                values.forEach(value -> copy.header(header, value));
            }
        });
        return copy;
    }

    private static void assertOdataError(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json(response).get("odata.error");
        assertEquals("", error.get("code").asText());
        assertEquals("en-US", error.at("/message/lang").asText());
        assertTrue(!error.at("/message/value").asText().isEmpty());
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("value").forEach(job -> ids.add(job.get("Id").asText()));
        return ids;
    }
}
