package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entra ID (Azure AD) v2 client-credentials token endpoint for one tenant and one service principal.
 * The client proves itself with the client secret, or with a client assertion: a JWT signed with a
 * registered certificate's key, or a federated token (see {@link ClientAssertionCheck}).
 * Errors carry the same {@code error} codes and AADSTS numbers as Entra ID, so a client's handling
 * of them can be tested.
 */
final class TokenEndpoint {

    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final DateTimeFormatter ENTRA_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final SimulatorSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    // every token ever issued, kept after invalidation: tests look for them in logs and records
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();
    private volatile Duration answerDelay = Duration.ZERO;
    private volatile boolean unavailable;
    private volatile String clientSecret;
    private final ClientAssertionCheck assertionCheck;
    private static final int RECENT_ASSERTIONS = 20;
    private final Deque<String> assertions = new ArrayDeque<>();

    TokenEndpoint(SimulatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.clientSecret = settings.clientSecret();
        this.assertionCheck = new ClientAssertionCheck(settings.tenant(), settings.clientId(), clock);
    }

    Reply token(String method, String tenant, String contentType, String body) {
        requests.incrementAndGet();
        Duration delay = answerDelay;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (unavailable) {
            return error(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.");
        }
        if (!"POST".equals(method)) {
            return error(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
        }
        if (!settings.tenant().equals(tenant)) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found.");
        }
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        Map<String, List<String>> form = UrlEncoded.parse(body);
        String grantType = first(form, "grant_type");
        String clientId = first(form, "client_id");
        String clientSecret = first(form, "client_secret");
        String scope = first(form, "scope");
        if (grantType == null) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        if (!"client_credentials".equals(grantType)) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grantType + "'.");
        }
        if (!settings.clientId().equals(clientId)) {
            return error(401, "invalid_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'.");
        }
        String assertion = first(form, "client_assertion");
        if (assertion != null) {
            Reply refused = checkAssertion(assertion, first(form, "client_assertion_type"), clientId);
            if (refused != null) {
                return refused;
            }
        } else if (clientSecret == null) {
            return error(401, "invalid_client", 7000218, "The request body must contain the following parameter:"
                    + " 'client_assertion' or 'client_secret'.");
        } else if (!this.clientSecret.equals(clientSecret)) {
            return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent"
                    + " in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'.");
        }
        // MSAL4J appends "openid profile offline_access": the configured scope only has to be among them
        if (scope == null || !List.of(scope.split(" ")).contains(settings.scope())) {
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid.");
        }
        return issue();
    }

    private Reply checkAssertion(String assertion, String assertionType, String clientId) {
        synchronized (assertions) {
            if (assertions.size() == RECENT_ASSERTIONS) {
                assertions.removeFirst();
            }
            assertions.addLast(assertion);
        }
        if (!ClientAssertionCheck.JWT_BEARER.equals(assertionType)) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter:"
                    + " 'client_assertion_type'.");
        }
        ClientAssertionCheck.Refusal refusal = assertionCheck.check(assertion, clientId);
        return refusal == null ? null : error(refusal.status(), refusal.error(), refusal.code(), refusal.description());
    }

    /** The client assertions received (any outcome), oldest first: the last {@value #RECENT_ASSERTIONS}. */
    List<String> receivedAssertions() {
        synchronized (assertions) {
            return List.copyOf(assertions);
        }
    }

    ClientAssertionCheck assertionCheck() {
        return assertionCheck;
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null ? null : values.get(0);
    }

    private Reply issue() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long lifetime = settings.tokenLifetime().toSeconds();
        issuedTokens.put(token, clock.instant().plus(settings.tokenLifetime()));
        everIssued.add(token);
        issued.incrementAndGet();
        return Reply.json(200, CONTENT_TYPE, Reply.object("token_type", "Bearer", "expires_in", lifetime,
                "ext_expires_in", lifetime, "access_token", token)).withHeader("Cache-Control", "no-store, no-cache");
    }

    boolean isValid(String token) {
        Instant expiry = token == null ? null : issuedTokens.get(token);
        return expiry != null && clock.instant().isBefore(expiry);
    }

    /** Makes every issued token fail, as after a key rollover: clients must fetch a new one. */
    void invalidateAll() {
        issuedTokens.clear();
    }

    /** Every access token issued since start, including invalidated ones. */
    Set<String> everIssued() {
        return Set.copyOf(everIssued);
    }

    /** From now on only {@code newSecret} is accepted, as after the old secret expired or was revoked. */
    void changeClientSecret(String newSecret) {
        clientSecret = newSecret;
    }

    /** Answers every token request only after {@code delay} (zero: at once), like a slow Entra ID. */
    void delayAnswers(Duration delay) {
        answerDelay = delay;
    }

    /** While on, every token request gets 503 {@code temporarily_unavailable}, like an Entra ID outage. */
    void setUnavailable(boolean on) {
        unavailable = on;
    }

    /** The faults record of the control endpoint {@code /simulator/token-faults}. */
    record Faults(Long delayMillis, Boolean unavailable) {
    }

    /** {@code GET} shows the token faults, {@code POST {"delayMillis": 2000, "unavailable": false}} sets them. */
    Reply faults(String method, String body) {
        if ("POST".equals(method)) {
            try {
                Faults asked = Reply.JSON.readValue(body, Faults.class);
                delayAnswers(Duration.ofMillis(asked.delayMillis() == null ? 0 : Math.max(0, asked.delayMillis())));
                setUnavailable(Boolean.TRUE.equals(asked.unavailable()));
            } catch (JsonProcessingException e) {
                return Reply.json(400, "application/json", Map.of("error", String.valueOf(e.getOriginalMessage())));
            }
        } else if (!"GET".equals(method)) {
            return Reply.json(405, "application/json", Map.of("error", "use GET or POST"));
        }
        return Reply.json(200, "application/json", new Faults(answerDelay.toMillis(), unavailable));
    }

    int requestCount() {
        return requests.get();
    }

    int issuedCount() {
        return issued.get();
    }

    void resetCounters() {
        requests.set(0);
        issued.set(0);
    }

    Reply openIdConfiguration(String tenant, String baseUrl) {
        String root = baseUrl + "/" + tenant;
        return Reply.json(200, CONTENT_TYPE, Reply.object(
                "token_endpoint", root + "/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt"),
                "jwks_uri", root + "/discovery/v2.0/keys",
                "issuer", root + "/v2.0",
                "authorization_endpoint", root + "/oauth2/v2.0/authorize"));
    }

    /** What MSAL asks for when instance discovery is on: this host is its own (only) alias. */
    Reply instanceDiscovery(String host, String baseUrl) {
        return Reply.json(200, CONTENT_TYPE, Reply.object(
                "tenant_discovery_endpoint", baseUrl + "/" + settings.tenant() + "/v2.0/.well-known/openid-configuration",
                "api-version", "1.1",
                "metadata", List.of(Map.of("preferred_network", host, "preferred_cache", host, "aliases", List.of(host)))));
    }

    private Reply error(int status, String error, int code, String description) {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = ENTRA_TIMESTAMP.format(clock.instant());
        return Reply.json(status, CONTENT_TYPE, Reply.object("error", error,
                "error_description", "AADSTS" + code + ": " + description + " Trace ID: " + traceId
                        + " Correlation ID: " + correlationId + " Timestamp: " + timestamp,
                "error_codes", List.of(code), "timestamp", timestamp, "trace_id", traceId,
                "correlation_id", correlationId, "error_uri", "https://login.microsoftonline.com/error?code=" + code));
    }
}
