package io.github.amsjobmonitor.ams;

import io.github.amsjobmonitor.auth.TokenProvider;
import io.github.amsjobmonitor.transport.LoopbackOrHttps;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMS v2 REST call, all of it on one screen: {@link #jobs} for a batch's {@code Jobs()} query and
 * {@link #tasks} for one job's tasks. One call is a loop over requests, each sent with the contract's
 * headers and a bearer token, and it does what one call can about AMS's faults:
 * <ul>
 * <li>301: the new base is kept for later calls ({@link AmsBase}, within {@code ams.redirect-hosts}), the
 *     request sent there; at most {@value #MAX_REDIRECTS} in one call;</li>
 * <li>401: one fresh token ({@link TokenProvider#renewAfterRejection}), one more try; a second 401 is an
 *     auth outage ({@link AmsRefusedException});</li>
 * <li>429 and 503 (throttling): every AMS call pauses ({@link AmsBackoff}, {@code Retry-After} when
 *     given) before its next request;</li>
 * <li>no answer, a timeout, 5xx, 408, 429: sent again up to {@code ams.retry.max-redeliveries} times,
 *     waiting {@code ams.retry.delay}, then twice as long each time, with jitter, at most
 *     {@code ams.retry.max-delay}; then {@link AmsUnavailableException};</li>
 * <li>a circuit breaker (resilience4j, {@code ams.breaker.*}) over the requests: only requests AMS could
 *     not serve count as failures; open, it refuses at once ({@code CallNotPermittedException});</li>
 * <li>an answer longer than {@code ams.max-answer-size} is cut off while it streams in
 *     ({@link AmsAnswerSizeCap}, installed on the HTTP client) and fails the call as unreadable.</li>
 * </ul>
 * Exceptions leave only for the outcomes the caller's error handling decides on: unavailable, paused
 * ({@link AmsPausedException}), refused, open breaker, unreadable answer ({@link AmsAnswerInvalidException}),
 * no token. Nothing of an incoming record reaches a request (only job IDs, validated by {@link JobQuery});
 * the {@code Authorization} header exists only on the request object here, and goes only over https
 * (http to loopback only, {@link LoopbackOrHttps}).
 *
 * <p>Why a bean and not routes: the same loop in YAML took four routes, a route calling itself and
 * values moved between headers and properties; and a Camel exchange per request costs CPU on the path of
 * every check. The HTTP client is camel-http's (Apache HttpClient 5: its pooled connections, timeouts
 * and the answer cap from {@code camel.component.http.*}), called directly. The retries are here rather
 * than in Camel's redelivery so that a call's 301, 401, pause, breaker and retries are one loop that
 * shares its state (the redirects and the renewed token of this call), and so that a retry waits on the
 * thread that made the call: {@code monitor.ams.max-in-flight} then bounds what an ailing AMS receives.
 */
public class AmsClient {

    /** Sees every request sent to AMS, answered or not (metrics and health). */
    public interface RequestListener {
        /** AMS answered {@code status} after {@code nanos}. */
        void answered(int status, long nanos);

        /** No answer at all (refused, timed out, reset) after {@code nanos}. */
        void unanswered(Exception failure, long nanos);
    }

    /**
     * Wraps each request in a trace span when tracing is on (observe/Tracing sets one): the request no
     * longer passes through a Camel endpoint, so Camel's tracer cannot see it.
     */
    public interface RequestTracer {
        /** A GET of {@code url} begins; the span it returns is told how it ended. */
        Span started(String url);

        /** One request's span. */
        interface Span {
            /** AMS answered {@code status} (0: no answer, then {@code failure} says why). */
            void ended(int status, Exception failure);
        }
    }

    private static final RequestTracer NO_TRACER = url -> (status, failure) -> { };

    /** How often a call retries a request AMS could not serve, and how long it waits in between. */
    public record Retries(int max, Duration delay, Duration maxDelay) {
    }

    static final int MAX_REDIRECTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AmsClient.class);
    private static final String JOBS = "Jobs()";
    private static final RequestListener NO_LISTENER = new RequestListener() {
        @Override
        public void answered(int status, long nanos) {
        }

        @Override
        public void unanswered(Exception failure, long nanos) {
        }
    };

    private final Supplier<HttpClient> httpClient;
    private final TokenProvider tokens;
    private final AmsBase base;
    private final AmsBackoff backoff;
    private final CircuitBreaker breaker;
    private final Retries retries;
    private final String apiVersion;
    private final JobQuery query = new JobQuery();
    private final AmsAnswers answers = new AmsAnswers();
    private volatile RequestListener listener = NO_LISTENER;
    private volatile RequestTracer tracer = NO_TRACER;
    private volatile HttpClient http;
    // the last base the token was allowed to go to: checked again only when the base changes
    private volatile String checkedBase;

    /**
     * @param httpClient the HTTP client, asked for once, at the first call (camel-http's is made when
     *                   the component is configured)
     */
    public AmsClient(Supplier<HttpClient> httpClient, TokenProvider tokens, AmsBase base, AmsBackoff backoff,
                     CircuitBreaker breaker, Retries retries, String apiVersion) {
        this.httpClient = httpClient;
        this.tokens = tokens;
        this.base = base;
        this.backoff = backoff;
        this.breaker = breaker;
        this.retries = retries;
        this.apiVersion = apiVersion;
    }

    /** Who sees every request (the metrics); none at first. */
    public void listenWith(RequestListener listener) {
        this.listener = listener;
    }

    /** Who traces every request (observe/Tracing, when tracing is on); nobody at first. */
    public void traceWith(RequestTracer tracer) {
        this.tracer = tracer;
    }

    /** The jobs among {@code jobIds} that AMS knows, in one {@code Jobs()} request. */
    public JobsPage jobs(List<String> jobIds) {
        return answers.jobsPage(get(JOBS, query.filterByIds(jobIds), retries.max()));
    }

    /**
     * The tasks of one job. A task read is extra (progress, error details): it is not retried, and its
     * caller goes on without it when it fails.
     */
    public TasksPage tasks(String jobId) {
        return answers.tasksPage(get(query.tasksPath(jobId), null, 0));
    }

    /** The circuit breaker over AMS requests (health and tests read its state). */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** One call: GET {@code path?query} until AMS answers 2xx or the outcome is clear; returns the body. */
    private String get(String path, String query, int maxRetries) {
        int redirects = 0;
        boolean tokenRenewed = false;
        int retry = 0;
        while (true) {
            String authorization = tokens.authorizationHeader();
            Answer answer = send(path, query, authorization);
            int status = answer.status();
            if (status >= 200 && status < 300) {
                LOG.debug("GET {}: {}", path, status);
                return answer.body();
            }
            if (status == 301 && redirects < MAX_REDIRECTS) {
                // AMS moved the account: later calls go to the new base directly
                base.movedTo(answer.location(), path, query);
                redirects++;
            } else if (status == 401 && !tokenRenewed) {
                LOG.warn("AMS refused the token (HTTP 401) on GET {}: getting a new one", path);
                tokens.renewAfterRejection(authorization);
                tokenRenewed = true;
            } else if (status == 401) {
                throw new AmsRefusedException("AMS refused a fresh token too (HTTP 401) on GET " + path);
            } else if (!answer.unavailable()) {
                throw new AmsRefusedException("AMS answered HTTP " + status + " to GET " + path);
            } else if (retry < maxRetries) {
                retry++;
                waitBeforeRetry(answer, path, retry, maxRetries);
            } else {
                throw answer.unavailableException(path);
            }
        }
    }

    /** One request, under the shared pause and the breaker; what AMS answered, or status 0 for no answer. */
    private Answer send(String path, String query, String authorization) {
        awaitTurn();
        String url = allowedBase() + path + (query == null ? "" : "?" + query);
        // open: CallNotPermittedException, for the caller (check again later)
        breaker.acquirePermission();
        long start = System.nanoTime();
        RequestTracer.Span span = tracer.started(url);
        Answer answer;
        try {
            answer = http().execute(request(url, authorization), AmsClient::read);
        } catch (IOException e) {
            answer = Answer.none(e);
        } catch (AmsAnswerInvalidException e) {
            // too long (AmsAnswerSizeCap): AMS answered, so no breaker failure
            long took = System.nanoTime() - start;
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            listener.answered(200, took);
            span.ended(200, e);
            throw e;
        } catch (RuntimeException e) {
            breaker.releasePermission();
            span.ended(0, e);
            throw e;
        }
        span.ended(answer.status(), answer.failure());
        long took = System.nanoTime() - start;
        if (answer.status() == 0) {
            listener.unanswered(answer.failure(), took);
        } else {
            listener.answered(answer.status(), took);
        }
        afterAnswer(answer, path, took);
        return answer;
    }

    private void afterAnswer(Answer answer, String path, long took) {
        int status = answer.status();
        if (!answer.unavailable()) {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            backoff.answered();
            return;
        }
        breaker.onError(took, TimeUnit.NANOSECONDS, answer.unavailableException(path));
        if (status == 429 || status == 503) {
            backoff.throttled(status, answer.retryAfter());
        } else if (status == 0 || status >= 500) {
            // a moved base that fails: the configured base will say where AMS is now
            base.failed();
        }
    }

    private void awaitTurn() {
        try {
            backoff.awaitTurn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmsPausedException("interrupted while AMS asked to wait");
        }
    }

    private void waitBeforeRetry(Answer answer, String path, int retry, int maxRetries) {
        Duration pause = AmsBackoff.pauseAfter(retry, null, retries.delay(), retries.maxDelay(), ThreadLocalRandom.current().nextDouble());
        LOG.warn("AMS could not serve GET {} ({}): trying again in {} ms ({} of {})", path, answer.what(), pause.toMillis(), retry,
                maxRetries);
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw answer.unavailableException(path);
        }
    }

    /** The current base, once it is known that the token may go there. */
    private String allowedBase() {
        String current = base.current();
        // AmsBase and the start-up check of ams.api-url keep this from failing; this is the last look before the token leaves
        if (current != checkedBase) {
            LoopbackOrHttps.problem(current).ifPresent(problem -> {
                throw new AmsRefusedException("the AMS base " + current + " " + problem + "; the bearer token is not sent there");
            });
            checkedBase = current;
        }
        return current;
    }

    private HttpGet request(String url, String authorization) {
        HttpGet get = new HttpGet(url);
        get.setHeader("Authorization", authorization);
        get.setHeader("x-ms-version", apiVersion);
        get.setHeader("Accept", "application/json");
        get.setHeader("DataServiceVersion", "1.0;NetFx");
        get.setHeader("MaxDataServiceVersion", "3.0;NetFx");
        return get;
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = httpClient.get();
                }
                client = http;
            }
        }
        return client;
    }

    /** Reads what one request needs: the body only of a 2xx (through the size cap), the rest is drained by the client. */
    private static Answer read(ClassicHttpResponse response) throws IOException, HttpException {
        int status = response.getCode();
        HttpEntity entity = response.getEntity();
        String body = status >= 200 && status < 300 && entity != null ? EntityUtils.toString(entity, StandardCharsets.UTF_8) : null;
        return new Answer(status, body, header(response, "Location"), header(response, "Retry-After"), null);
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    /** What AMS answered to one request; status 0 with {@code failure} when it did not answer at all. */
    private record Answer(int status, String body, String location, String retryAfter, IOException failure) {

        static Answer none(IOException failure) {
            return new Answer(0, null, null, null, failure);
        }

        /** No answer, a server error, 408 or 429: worth sending again. */
        boolean unavailable() {
            return status == 0 || status >= 500 || status == 408 || status == 429;
        }

        String what() {
            return status == 0 ? failure.getClass().getSimpleName() + ": " + failure.getMessage() : "HTTP " + status;
        }

        AmsUnavailableException unavailableException(String path) {
            return status == 0
                    ? new AmsUnavailableException("AMS did not answer GET " + path + ": " + what())
                    : new AmsUnavailableException("AMS answered HTTP " + status + " to GET " + path, status, retryAfter);
        }
    }
}
