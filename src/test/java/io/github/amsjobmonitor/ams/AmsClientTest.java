package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.ApiFault;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AMS call (AmsClient) against the project's AMS simulator, each fault injected into it: what
 * reaches AMS, how often, and what the caller sees.
 */
class AmsClientTest {

    private static final long ANSWER_CAP = 64 * 1024;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Long> answeredAt = new CopyOnWriteArrayList<>();
    private AmsSimulator simulator;
    private TokenProvider tokens;
    private CloseableHttpClient http;
    private AmsBackoff backoff;
    private CircuitBreaker breaker;
    private String job;

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        SimulatorSettings settings = simulator.settings();
        tokens = new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(), settings.clientSecret(),
                settings.scope(), Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        // as the monitor has camel-http build it: no redirect followed, no retry of its own, the answer cap, a response timeout
        HttpClientBuilder builder = HttpClientBuilder.create().disableRedirectHandling().disableAutomaticRetries()
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(5)).build());
        new AmsAnswerSizeCap(ANSWER_CAP).configureHttpClient(builder);
        http = builder.build();
        backoff = new AmsBackoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(3), Clock.systemUTC());
        breaker = CircuitBreaker.of("ams", CircuitBreakerConfig.custom().failureRateThreshold(50).slidingWindowSize(10)
                .minimumNumberOfCalls(10).waitDurationInOpenState(Duration.ofMinutes(1)).build());
        job = simulator.registerRandom(JobScenario.LONG_RUNNING, Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        simulator.close();
    }

    private AmsClient client(int retries) {
        return client(simulator.apiUrl(), retries);
    }

    private AmsClient client(String apiUrl, int retries) {
        AmsBase base = new AmsBase(apiUrl, RedirectHosts.amsV2Domains(), tokens::tokenRequests);
        AmsClient client = new AmsClient(() -> http, tokens, base, backoff, breaker,
                new AmsClient.Retries(retries, Duration.ofMillis(5), Duration.ofMillis(10)), "2.19");
        client.listenWith(new AmsClient.RequestListener() {
            @Override
            public void answered(int status, long nanos) {
                seen.add(String.valueOf(status));
                answeredAt.add(System.nanoTime());
            }

            @Override
            public void unanswered(Exception failure, long nanos) {
                seen.add("none");
            }
        });
        return client;
    }

    private List<RecordedRequest> apiRequests() {
        return simulator.recordedRequests().stream().filter(r -> r.pathAndQuery().contains("/Jobs")).toList();
    }

    @Test
    void should_send_the_contract_headers_and_read_the_jobs_asked_for() {
        JobsPage page = client(2).jobs(List.of(job));

        assertEquals(List.of(job), page.value().stream().map(AmsJob::id).toList());
        RecordedRequest request = apiRequests().get(0);
        assertEquals("GET", request.method());
        assertEquals("Id eq '" + job + "'", request.queryParameter("$filter"));
        assertEquals("1", request.queryParameter("$top"));
        assertTrue(request.header("Authorization").startsWith("Bearer"), request.header("Authorization"));
        assertEquals("2.19", request.header("x-ms-version"));
        assertEquals("application/json", request.header("Accept"));
        assertEquals("1.0;NetFx", request.header("DataServiceVersion"));
        assertEquals("3.0;NetFx", request.header("MaxDataServiceVersion"));
        assertEquals(List.of("200"), seen, "the request is told to the listener");
    }

    @Test
    void should_follow_a_301_once_and_send_later_calls_to_the_new_base() {
        AmsClient client = client(2);
        simulator.relocateApi("/cluster-b/api/");

        client.jobs(List.of(job));
        client.jobs(List.of(job));
        client.tasks(job);

        List<String> paths = apiRequests().stream().map(r -> r.status() + " " + r.pathAndQuery().substring(0, r.pathAndQuery().indexOf("Jobs"))).toList();
        assertEquals(List.of("301 /api/", "200 /cluster-b/api/", "200 /cluster-b/api/", "200 /cluster-b/api/"), paths);
    }

    @Test
    void should_refuse_a_301_to_a_host_the_token_may_not_go_to_without_sending_it_there() {
        simulator.redirectApiTo("https://evil.example.com/api/");

        assertThrows(AmsRefusedException.class, () -> client(2).jobs(List.of(job)));

        assertEquals(List.of("301"), seen, "one request, to AMS only");
    }

    @Test
    void should_renew_the_token_once_on_401_and_refuse_a_persisting_401() {
        AmsClient client = client(2);
        client.jobs(List.of(job));
        simulator.invalidateTokens();

        client.jobs(List.of(job));
        assertEquals(List.of("200", "401", "200"), seen);
        assertEquals(2, simulator.issuedTokenCount(), "one new token");

        simulator.injectFault(ApiFault.of(ApiFault.Kind.UNAUTHORIZED), -1);
        assertThrows(AmsRefusedException.class, () -> client.jobs(List.of(job)));
        assertEquals(List.of("200", "401", "200", "401", "401"), seen, "one more try, then refused");
    }

    @Test
    void should_send_no_request_before_retry_after_has_passed() {
        simulator.throttleNextApiRequests(429, Duration.ofSeconds(1), 1);

        client(2).jobs(List.of(job));

        assertEquals(List.of("429", "200"), seen);
        long waitedMillis = Duration.ofNanos(answeredAt.get(1) - answeredAt.get(0)).toMillis();
        assertTrue(waitedMillis >= 1000, "the next request " + waitedMillis + " ms after a Retry-After of 1 s");
        assertTrue(backoff.pausedUntil().isAfter(Instant.MIN), "every call paused");
    }

    @Test
    void should_fail_at_once_when_ams_asks_to_wait_longer_than_a_call_waits() {
        // ams.backoff.max-wait here: 3 s
        simulator.throttleNextApiRequests(503, Duration.ofSeconds(30), 1);

        assertThrows(AmsPausedException.class, () -> client(2).jobs(List.of(job)));

        assertEquals(List.of("503"), seen, "nothing sent during the pause");
    }

    @Test
    void should_retry_a_server_error_and_give_up_after_the_retries() {
        AmsClient client = client(2);
        simulator.failNextApiRequests(500, 2);
        assertEquals(1, client.jobs(List.of(job)).value().size(), "the third request answered");
        assertEquals(List.of("500", "500", "200"), seen);
        assertEquals(Instant.MIN, backoff.pausedUntil(), "a server error is not throttling: no call pauses");

        seen.clear();
        simulator.failNextApiRequests(500, 3);
        AmsUnavailableException failure = assertThrows(AmsUnavailableException.class, () -> client.jobs(List.of(job)));
        assertEquals(500, failure.getStatus());
        assertEquals(List.of("500", "500", "500"), seen);
    }

    @Test
    void should_count_no_answer_as_unavailable() {
        // nothing listens on port 1
        assertThrows(AmsUnavailableException.class, () -> client("http://127.0.0.1:1/api/", 2).jobs(List.of(job)));

        assertEquals(List.of("none", "none", "none"), seen);
    }

    @Test
    void should_not_retry_a_task_read() {
        simulator.failNextApiRequests(500, 1);

        assertThrows(AmsUnavailableException.class, () -> client(2).tasks(job));

        assertEquals(List.of("500"), seen);
    }

    @Test
    void should_open_the_breaker_and_then_refuse_calls_without_a_request() {
        breaker = CircuitBreaker.of("ams", CircuitBreakerConfig.custom().failureRateThreshold(50).slidingWindowSize(4)
                .minimumNumberOfCalls(4).waitDurationInOpenState(Duration.ofMinutes(1)).build());
        AmsClient client = client(0);
        simulator.injectFault(ApiFault.status(500), -1);
        for (int i = 0; i < 4; i++) {
            assertThrows(AmsUnavailableException.class, () -> client.jobs(List.of(job)));
        }

        assertThrows(CallNotPermittedException.class, () -> client.jobs(List.of(job)));

        assertEquals(CircuitBreaker.State.OPEN, client.circuitBreaker().getState());
        assertEquals(4, apiRequests().size(), "no request while the breaker is open");
    }

    @Test
    void should_refuse_an_answer_longer_than_the_cap_without_counting_it_against_ams() {
        simulator.injectFault(ApiFault.of(ApiFault.Kind.OVERSIZED), 1);

        AmsAnswerInvalidException failure = assertThrows(AmsAnswerInvalidException.class, () -> client(2).jobs(List.of(job)));

        assertTrue(failure.getMessage().contains("ams.max-answer-size allows (" + ANSWER_CAP + " bytes)"), failure.getMessage());
        assertEquals(List.of("200"), seen, "not asked again");
        assertEquals(0, breaker.getMetrics().getNumberOfFailedCalls());
        assertEquals(1, breaker.getMetrics().getNumberOfSuccessfulCalls());
    }

    @Test
    void should_never_send_the_token_over_http_to_a_host_that_is_not_loopback() {
        AmsRefusedException refusal = assertThrows(AmsRefusedException.class,
                () -> client("http://ams.example.com/api/", 2).jobs(List.of(job)));

        assertTrue(refusal.getMessage().contains("the bearer token is not sent there"), refusal.getMessage());
        assertEquals(List.of(), seen, "no request at all");
    }
}
