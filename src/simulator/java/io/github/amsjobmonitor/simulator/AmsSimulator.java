package io.github.amsjobmonitor.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback stand-in for Azure Media Services v2 (the {@code Jobs()} query and
 * {@code Jobs('<id>')/Tasks}) and for the Entra ID v2
 * token endpoint of its tenant, in one HTTP server. The real AMS v2 is retired, so tests and the
 * demo run against this. Job states follow their scenario on the given {@link Clock}.
 *
 * <p>It speaks http, or HTTPS with a certificate made at start ({@link #overHttps}), so that a
 * client's TLS, certificate and hostname checks run as against the real cloud.
 */
public final class AmsSimulator implements AutoCloseable {

    static {
        // The JDK's HttpServer leaves Nagle's algorithm on: each small answer then waits ~40 ms for
        // the client's delayed ACK, which makes the simulator, not the monitor, the bottleneck.
        // Read once when the server classes load, so it must be set before the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    static final int MAX_RECORDED = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(AmsSimulator.class);
    static final String TOKEN_FAULTS_PATH = "/simulator/token-faults";
    private static final Pattern TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
    private static final Pattern OPENID_PATH = Pattern.compile("/([^/]+)/v2\\.0/\\.well-known/openid-configuration");
    private static final Pattern DISCOVERY_PATH = Pattern.compile("/([^/]+)/discovery/instance");

    private final SimulatorSettings settings;
    private final Clock clock;
    private final JobCatalog catalog = new JobCatalog();
    private final TokenEndpoint tokens;
    private final JobsEndpoint jobs;
    private final ControlEndpoint control;
    private final FaultControlEndpoint faultControl;
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
    private final Set<String> movedBasePaths = new CopyOnWriteArraySet<>();
    private final Set<InetSocketAddress> apiClients = ConcurrentHashMap.newKeySet();
    private volatile String apiBasePath;
    private volatile String foreignBase;
    private volatile SimulatorCertificate certificate;
    private HttpServer server;
    private ExecutorService executor;
    private volatile int boundPort = -1;

    public AmsSimulator(SimulatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.apiBasePath = settings.basePath();
        this.tokens = new TokenEndpoint(settings, clock);
        this.jobs = new JobsEndpoint(catalog, tokens, clock);
        this.control = new ControlEndpoint(catalog, clock);
        this.faultControl = new FaultControlEndpoint(this);
    }

    public AmsSimulator(SimulatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /**
     * Serves HTTPS with {@code certificate} instead of http (API, token endpoint and control
     * endpoints alike); call before {@link #start()}.
     */
    public synchronized AmsSimulator overHttps(SimulatorCertificate certificate) {
        if (server != null) {
            throw new IllegalStateException("already started: choose HTTPS before start()");
        }
        this.certificate = certificate;
        return this;
    }

    /** Binds the loopback port (0 picks a free one) and starts answering. */
    public synchronized AmsSimulator start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "ams-simulator");
            thread.setDaemon(true);
            return thread;
        });
        listen(settings.port());
        LOG.info("AMS simulator listening on {}", baseUrl());
        return this;
    }

    private void listen(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (certificate == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
                server = https;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind port " + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        boundPort = server.getAddress().getPort();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        boundPort = -1;
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        if (boundPort < 0) {
            throw new IllegalStateException("not started");
        }
        return boundPort;
    }

    /** {@code http://127.0.0.1:<port>} ({@code https://} over HTTPS): the value for {@code azure.ad.authority-host}. */
    public String baseUrl() {
        return (certificate == null ? "http" : "https") + "://127.0.0.1:" + port();
    }

    /** The certificate it serves HTTPS with, or null when it speaks http. */
    public SimulatorCertificate certificate() {
        return certificate;
    }

    /** {@code http://127.0.0.1:<port>/api/} ({@code https://} over HTTPS): the value for {@code ams.api-url}. */
    public String apiUrl() {
        return baseUrl() + apiBasePath;
    }

    public String tokenUrl() {
        return baseUrl() + "/" + settings.tenant() + "/oauth2/v2.0/token";
    }

    public SimulatorSettings settings() {
        return settings;
    }

    // --- jobs ---

    /** A job that appears now and spends {@code stepDuration} in each state of the scenario. */
    public SimulatedJob register(String jobId, String name, JobScenario scenario, Duration stepDuration) {
        return register(SimulatedJob.of(jobId, name, scenario, stepDuration, clock.instant()));
    }

    /** A job that appears now and walks through explicit steps. */
    public SimulatedJob register(String jobId, String name, List<ScenarioStep> steps) {
        return register(new SimulatedJob(jobId, name, clock.instant(), steps));
    }

    /** A job unknown to the API until {@code appearsAfter} from now, then following its scenario. */
    public SimulatedJob registerLate(String jobId, String name, JobScenario scenario, Duration stepDuration,
                                     Duration appearsAfter) {
        return register(SimulatedJob.of(jobId, name, scenario, stepDuration, clock.instant().plus(appearsAfter)));
    }

    /** Registers a job with a random ID; returns the ID. */
    public String registerRandom(JobScenario scenario, Duration stepDuration) {
        String jobId = SimulatedJob.randomId();
        register(jobId, "Simulated " + scenario.name().toLowerCase() + " job", scenario, stepDuration);
        return jobId;
    }

    /** Adds or replaces a job (full control, e.g. of {@code appearsAt}). */
    public SimulatedJob register(SimulatedJob job) {
        catalog.add(job);
        return job;
    }

    /** The job as the API would show it now; empty if unknown or not yet visible. */
    public Optional<JobEntity> currentJob(String jobId) {
        return catalog.observe(jobId, clock.instant());
    }

    /**
     * The job's tasks as {@code Jobs('<id>')/Tasks} would show them now (with any pinned progress);
     * empty if the job is unknown or not yet visible.
     */
    public Optional<List<TaskEntity>> currentTasks(String jobId) {
        return catalog.observeTasks(jobId, clock.instant());
    }

    /**
     * Pins the {@code Progress} of each of the job's tasks ({@code perTaskProgress[i]} for task i, one
     * value per task, each 0..100) until {@link #clearProgress} or the job is registered again. Task
     * states, times and error details still follow the scenario.
     * @throws IllegalArgumentException for an unknown job, a wrong number of values or one out of range
     */
    public void setProgress(String jobId, double... perTaskProgress) {
        catalog.pinProgress(jobId, perTaskProgress);
    }

    /** Lets the job's task progress follow its scenario's curves again. */
    public void clearProgress(String jobId) {
        catalog.unpinProgress(jobId);
    }

    public void removeAllJobs() {
        catalog.clear();
    }

    // --- faults a client must survive ---

    /** The next {@code times} API requests get {@code status} (503 says "Server is busy", as AMS). */
    public void failNextApiRequests(int status, int times) {
        jobs.injectFailures(status, times);
    }

    /**
     * The next {@code times} API requests (request faults) or 200 {@code Jobs()} answers (answer
     * faults) go wrong as {@code fault} says; {@code times} -1 keeps it until {@link #clearFaults()}.
     * Faults queue up in the order given.
     */
    public void injectFault(ApiFault fault, int times) {
        jobs.injectFault(fault, times);
    }

    /** The next {@code times} API requests get 429 or 503 with {@code Retry-After} (whole seconds). */
    public void throttleNextApiRequests(int status, Duration retryAfter, int times) {
        injectFault(ApiFault.throttled(status, retryAfter), times);
    }

    /** Whether injected faults are still waiting for their requests. */
    public boolean faultsPending() {
        return jobs.faultsPending();
    }

    /** Forgets every injected fault still pending (connections refused stay refused until their time is up). */
    public void clearFaults() {
        jobs.clearFaults();
    }

    /**
     * Closes the port (API and token endpoint alike) for {@code duration}, then listens on the same
     * port again: clients get "connection refused" meanwhile, as from a host that is down.
     */
    public synchronized void refuseConnectionsFor(Duration duration) {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        int port = boundPort;
        server.stop(0);
        server = null;
        LOG.info("AMS simulator refuses connections for {} ms", duration.toMillis());
        Thread reopen = new Thread(() -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (server == null && boundPort == port) {
                    listen(port);
                    LOG.info("AMS simulator listens again on {}", baseUrl());
                }
            }
        }, "ams-simulator-reopen");
        reopen.setDaemon(true);
        reopen.start();
    }

    /** Entra ID down (true) or back (false): token requests get 503 meanwhile; tokens already issued keep working. */
    public void tokenOutage(boolean on) {
        tokens.setUnavailable(on);
    }

    /** Makes every issued token invalid: the next API call gets 401 until a new token is fetched. */
    public void invalidateTokens() {
        tokens.invalidateAll();
    }

    /**
     * Moves the API to another base path, like AMS moving an account to another cluster: requests
     * to any former base get 301 with {@code Location} = the same request under the new base.
     */
    public void relocateApi(String newBasePath) {
        if (!newBasePath.startsWith("/") || !newBasePath.endsWith("/")) {
            throw new IllegalArgumentException("base path must start and end with '/': " + newBasePath);
        }
        movedBasePaths.add(apiBasePath);
        movedBasePaths.remove(newBasePath);
        apiBasePath = newBasePath;
    }

    /**
     * Answers every API request with 301 to the same request under {@code otherBase}, an absolute
     * base on any host ({@code https://elsewhere.example/api/}), as a compromised or misconfigured
     * AMS could; null stops it. For tests of where a client lets its token go.
     */
    public void redirectApiTo(String otherBase) {
        if (otherBase != null && !otherBase.endsWith("/")) {
            throw new IllegalArgumentException("base must end with '/': " + otherBase);
        }
        foreignBase = otherBase;
    }

    /** Entra ID answers every token request only after {@code delay} (zero: at once); for read timeouts. */
    public void delayTokenAnswers(Duration delay) {
        tokens.delayAnswers(delay);
    }

    /** While on, Entra ID answers 503 {@code temporarily_unavailable} to every token request. */
    public void tokenEndpointUnavailable(boolean on) {
        tokens.setUnavailable(on);
    }

    /** The service principal's secret changes (the old one expired or was revoked): the old one gets invalid_client. */
    public void changeClientSecret(String newSecret) {
        tokens.changeClientSecret(newSecret);
    }

    /** Uploads a certificate to the application: client assertions signed with its key are accepted from now on. */
    public void registerClientCertificate(X509Certificate certificate) {
        tokens.assertionCheck().registerCertificate(certificate);
    }

    /**
     * Adds a federated identity credential to the application (workload identity): tokens of {@code issuer} for
     * {@code subject}, with audience {@code api://AzureADTokenExchange} and signed by {@code issuerKey}, are accepted
     * as client assertions from now on. On AKS the issuer is the cluster's OIDC issuer URL and the subject
     * {@code system:serviceaccount:<namespace>:<service account>}.
     */
    public void addFederatedCredential(String issuer, String subject, PublicKey issuerKey) {
        tokens.assertionCheck().addFederatedCredential(new ClientAssertionCheck.FederatedCredential(issuer, subject, issuerKey));
    }

    // --- observations ---

    /** The client assertions received on the token endpoint, accepted or not, oldest first (the last 20). */
    public List<String> receivedClientAssertions() {
        return tokens.receivedAssertions();
    }

    /** Every access token issued so far, invalidated ones included: for tests that look for leaks. */
    public Set<String> issuedTokens() {
        return tokens.everIssued();
    }

    /** Requests to {@code Jobs()} (any outcome). */
    public int jobsRequestCount() {
        return jobs.requestCount();
    }

    /** Requests to {@code Jobs('<id>')/Tasks} (any outcome). */
    public int tasksRequestCount() {
        return jobs.taskRequestCount();
    }

    /** Sees each answered {@code Jobs()} query: for benchmarks that need more than {@link #recordedRequests()}. */
    @FunctionalInterface
    public interface JobsQueryListener {
        /**
         * Called on the simulator's request thread, so it must be quick and must not throw.
         * @param jobIds the IDs the query's {@code $filter} names (several when joined by {@code or}),
         *               empty for an unfiltered query
         * @param at     the simulator clock's time of the query
         */
        void onJobsQuery(List<String> jobIds, Instant at);
    }

    /** Calls {@code listener} on every {@code Jobs()} query answered with 200; null removes it. */
    public void onJobsQuery(JobsQueryListener listener) {
        jobs.listener(listener);
    }

    /**
     * TCP connections the API requests ({@code Jobs()} and tasks) came over: distinct client
     * address and port. Far fewer than requests when the client keeps its connections alive.
     */
    public int apiConnectionCount() {
        return apiClients.size();
    }

    /** Requests to the token endpoint (any outcome). */
    public int tokenRequestCount() {
        return tokens.requestCount();
    }

    /** Tokens successfully issued. */
    public int issuedTokenCount() {
        return tokens.issuedCount();
    }

    /** The last {@value #MAX_RECORDED} requests, oldest first. */
    public List<RecordedRequest> recordedRequests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** Clears counters and recorded requests; jobs, tokens and pending faults stay. */
    public void reset() {
        synchronized (recorded) {
            recorded.clear();
        }
        jobs.resetCounters();
        tokens.resetCounters();
        apiClients.clear();
    }

    // --- HTTP plumbing ---

    private void dispatch(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            reply = route(exchange);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            reply = JobsEndpoint.error(500, "Simulator failure: " + e.getMessage());
        }
        // recorded before the answer leaves, so a client that has its answer also finds it recorded
        record(exchange, reply.status());
        try (exchange) {
            write(exchange, reply);
        }
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Headers headers = exchange.getRequestHeaders();
        Matcher matcher;
        if (path.equals(ControlEndpoint.PATH)) {
            return control.handle(method, body(exchange));
        }
        if (path.equals(FaultControlEndpoint.PATH)) {
            return faultControl.handle(method, body(exchange));
        }
        if (path.equals(TOKEN_FAULTS_PATH)) {
            return tokens.faults(method, body(exchange));
        }
        if ((matcher = TOKEN_PATH.matcher(path)).matches()) {
            return tokens.token(method, matcher.group(1), headers.getFirst("Content-Type"), body(exchange));
        }
        if ((matcher = OPENID_PATH.matcher(path)).matches()) {
            return tokens.openIdConfiguration(matcher.group(1), baseUrl());
        }
        if (DISCOVERY_PATH.matcher(path).matches()) {
            String host = Optional.ofNullable(headers.getFirst("Host")).orElse("127.0.0.1:" + port());
            return tokens.instanceDiscovery(host, baseUrl());
        }
        String base = apiBasePath;
        String elsewhere = foreignBase;
        if (elsewhere != null && path.startsWith(base)) {
            return Reply.empty(301).withHeader("Location", elsewhere + rawPath.substring(base.length())
                    + (rawQuery == null ? "" : "?" + rawQuery));
        }
        if (path.startsWith(base)) {
            apiClients.add(exchange.getRemoteAddress());
            return jobs.handle(method, path.substring(base.length()), rawQuery, headers, apiUrl());
        }
        for (String moved : movedBasePaths) {
            if (rawPath.startsWith(moved)) {
                String location = baseUrl() + base + rawPath.substring(moved.length())
                        + (rawQuery == null ? "" : "?" + rawQuery);
                return Reply.empty(301).withHeader("Location", location);
            }
        }
        return Reply.json(404, "application/json", Map.of("error", "no such simulator endpoint: " + path));
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (reply.contentType() != null) {
            out.set("Content-Type", reply.contentType());
        }
        reply.headers().forEach(out::set);
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private void record(HttpExchange exchange, int status) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        // keep the scheme only: recorded requests end up in test reports
        headers.computeIfPresent("Authorization", (name, values) -> values.stream()
                .map(value -> value.split(" ", 2)[0] + " ***").toList());
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String pathAndQuery = exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery);
        synchronized (recorded) {
            if (recorded.size() == MAX_RECORDED) {
                recorded.removeFirst();
            }
            recorded.addLast(new RecordedRequest(clock.instant(), exchange.getRequestMethod(), pathAndQuery,
                    Collections.unmodifiableMap(headers), status));
        }
        LOG.debug("{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), status);
    }

    /**
     * Standalone run: {@code --port 8089 --tenant T --client-id C --client-secret S [--scope X]
     * [--token-lifetime-seconds N] [--base-path /api/] [--https-truststore FILE]}; then register jobs with
     * {@code POST /simulator/jobs}. {@code --https-truststore} serves HTTPS with a certificate made at
     * start (for 127.0.0.1 and localhost) and writes a truststore holding it to FILE (and the certificate as PEM beside it, .p12 -> .pem).
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        SimulatorSettings settings = SimulatorSettings.defaults().withPort(8089);
        Path trustStore = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            settings = switch (args[i]) {
                case "--port" -> settings.withPort(Integer.parseInt(value));
                case "--tenant" -> settings.withCredentials(value, settings.clientId(), settings.clientSecret());
                case "--client-id" -> settings.withCredentials(settings.tenant(), value, settings.clientSecret());
                case "--client-secret" -> settings.withCredentials(settings.tenant(), settings.clientId(), value);
                case "--scope" -> settings.withScope(value);
                case "--token-lifetime-seconds" -> settings.withTokenLifetime(Duration.ofSeconds(Long.parseLong(value)));
                case "--base-path" -> settings.withBasePath(value);
                case "--https-truststore" -> {
                    trustStore = Path.of(value);
                    yield settings;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            };
        }
        AmsSimulator simulator = new AmsSimulator(settings);
        if (trustStore != null) {
            SimulatorCertificate made = SimulatorCertificate.forLoopback();
            made.writeTrustStore(trustStore);
            made.writePem(pemBeside(trustStore));
            simulator.overHttps(made);
        }
        simulator.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.stop();
            stopped.countDown();
        }));
        System.out.println("AMS v2 simulator started");
        System.out.println("  ams.api-url             = " + simulator.apiUrl());
        System.out.println("  azure.ad.authority-host = " + simulator.baseUrl());
        System.out.println("  azure.ad.tenant-id      = " + settings.tenant());
        System.out.println("  azure.ad.client-id      = " + settings.clientId());
        System.out.println("  token endpoint          = " + simulator.tokenUrl());
        if (trustStore != null) {
            System.out.println("  trust it (JVM)          = -Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath()
                    + " -Djavax.net.ssl.trustStorePassword=" + SimulatorCertificate.TRUSTSTORE_PASSWORD);
            System.out.println("  trust it (curl)         = --cacert " + pemBeside(trustStore).toAbsolutePath());
        }
        System.out.println("  a job's tasks           = GET " + simulator.apiUrl() + "Jobs('<job id>')/Tasks");
        System.out.println("  register a job          = POST " + simulator.baseUrl() + ControlEndpoint.PATH
                + " {\"jobId\":\"nb:jid:UUID:...\",\"name\":\"...\",\"scenario\":\"FINISH\",\"stepMillis\":2000}");
        System.out.println("  inject an AMS fault     = POST " + simulator.baseUrl() + FaultControlEndpoint.PATH
                + " {\"fault\":\"STATUS\",\"status\":503,\"retryAfterSeconds\":5,\"times\":3} (DELETE clears)");
        stopped.await();
    }

    /** simulator.p12 -> simulator.pem */
    private static Path pemBeside(Path trustStore) {
        return Path.of(trustStore.toString().replaceFirst("\\.p12$", "") + ".pem");
    }
}
