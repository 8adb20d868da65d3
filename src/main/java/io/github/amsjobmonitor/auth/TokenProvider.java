package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.github.amsjobmonitor.logging.SecretMasking;
import io.github.amsjobmonitor.transport.LoopbackOrHttps;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens for the AMS REST API, from Entra ID by the client-credentials grant (MSAL4J).
 *
 * <p>One {@link ConfidentialClientApplication} serves the whole process, so MSAL's token cache is
 * shared. On top of it sits a small single-flight guard: MSAL lets concurrent callers on a cold or
 * expired cache each send a token request, and a lock-free read of the last token keeps the hot
 * path (one call per AMS request) off MSAL's cache look-up. A token is reused until five minutes
 * before it expires, the same margin MSAL applies.
 *
 * <p>A failed fetch is remembered: until its backoff has passed (doubling from
 * {@code retryBackoff} up to {@code maxRetryBackoff} while failures go on), callers get the same
 * failure at once instead of each sending a request, so a dozen consumer threads do not hammer a
 * down or slow Entra ID. Refused credentials ({@code invalid_client}, {@code unauthorized_client})
 * cannot heal without a configuration change and a restart: they are remembered for good, reported
 * once to the {@link #onCredentialsRefused listener}, and no request is sent again.
 */
public class TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);
    // a 401 that persists with fresh tokens (an auth outage) must not turn every check into a token request
    private static final Duration LEAST_TIME_BETWEEN_RENEWALS = Duration.ofSeconds(30);

    private static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(30);
    // token and metadata answers are a few KiB; 1 MiB leaves room for any of them
    static final long DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
    private static final Set<String> REFUSED_CREDENTIALS = Set.of("invalid_client", "unauthorized_client");

    /** The last failed fetch and when the next one may be sent. */
    private record Failure(TokenUnavailableException error, Instant retryAt, int consecutive) {
    }

    private final ConfidentialClientApplication app;
    private final ClientCredential credential;
    private final Set<String> scopes;
    private final String clientId;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Object refreshLock = new Object();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong failedTokenRequests = new AtomicLong();
    private Instant renewedAt = Instant.MIN;
    private volatile TokenOutcome lastOutcome;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private volatile IAuthenticationResult current;
    private volatile Failure lastFailure;
    private volatile CredentialsRefusedException refused;
    private volatile Consumer<CredentialsRefusedException> refusalListener = refusal -> { };

    public TokenProvider(String authorityHost, String tenantId, String clientId, String clientSecret, String scope,
                         Duration connectTimeout, Duration readTimeout, Clock clock) {
        this(authorityHost, tenantId, clientId, clientSecret, scope, connectTimeout, readTimeout,
                DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_RETRY_BACKOFF, clock);
    }

    public TokenProvider(String authorityHost, String tenantId, String clientId, String clientSecret, String scope,
                         Duration connectTimeout, Duration readTimeout, Duration retryBackoff, Duration maxRetryBackoff,
                         Clock clock) {
        this(authorityHost, tenantId, clientId, ClientCredential.secret(clientSecret), scope, connectTimeout, readTimeout,
                retryBackoff, maxRetryBackoff, DEFAULT_MAX_ANSWER_BYTES, clock);
    }

    public TokenProvider(String authorityHost, String tenantId, String clientId, String clientSecret, String scope,
                         Duration connectTimeout, Duration readTimeout, Duration retryBackoff, Duration maxRetryBackoff,
                         long maxAnswerBytes, Clock clock) {
        this(authorityHost, tenantId, clientId, ClientCredential.secret(clientSecret), scope, connectTimeout, readTimeout,
                retryBackoff, maxRetryBackoff, maxAnswerBytes, clock);
    }

    /** With any credential (see {@link ClientCredentials}): a secret, a secret file, a certificate, a federated token. */
    public TokenProvider(String authorityHost, String tenantId, String clientId, ClientCredential credential, String scope,
                         Duration connectTimeout, Duration readTimeout, Duration retryBackoff, Duration maxRetryBackoff,
                         Clock clock) {
        this(authorityHost, tenantId, clientId, credential, scope, connectTimeout, readTimeout, retryBackoff, maxRetryBackoff,
                DEFAULT_MAX_ANSWER_BYTES, clock);
    }

    /** @param maxAnswerBytes the longest answer read from Entra ID ({@code monitor.token.max-answer-size}); longer ones fail the request */
    public TokenProvider(String authorityHost, String tenantId, String clientId, ClientCredential credential, String scope,
                         Duration connectTimeout, Duration readTimeout, Duration retryBackoff, Duration maxRetryBackoff,
                         long maxAnswerBytes, Clock clock) {
        this.clientId = clientId;
        this.credential = credential;
        this.retryBackoff = retryBackoff;
        this.maxRetryBackoff = maxRetryBackoff.compareTo(retryBackoff) < 0 ? retryBackoff : maxRetryBackoff;
        this.clock = clock;
        this.requestTimeout = connectTimeout.plus(readTimeout).multipliedBy(2);
        this.scopes = Set.of(scope);
        URI host = URI.create(authorityHost.endsWith("/") ? authorityHost : authorityHost + "/");
        // the client secret goes to this host
        LoopbackOrHttps.problem(host).ifPresent(problem -> {
            throw new IllegalArgumentException("azure.ad.authority-host must be an https:// URL: '" + authorityHost + "' " + problem);
        });
        try {
            // MSAL wants a credential up front; each request then brings the current one (see request())
            var builder = ConfidentialClientApplication.builder(clientId, credential.forTokenRequest());
            if ("http".equals(host.getScheme())) {
                // MSAL takes only https authorities; a port in the authority would also defeat its cache
                builder.authority("https://" + host.getHost() + "/" + tenantId + "/")
                        .instanceDiscovery(false)
                        .validateAuthority(false)
                        .httpClient(EntraHttpClient.toLoopback(host, connectTimeout, readTimeout, maxAnswerBytes));
            } else {
                // our client, not MSAL's default: it caps the answer's size and sets the timeouts; TLS is the
                // JVM's default (javax.net.ssl.trustStore) with its hostname checks
                builder.authority(host.resolve(tenantId + "/").toString())
                        .httpClient(EntraHttpClient.direct(connectTimeout, readTimeout, maxAnswerBytes));
                if (!EntraCloudHosts.isMicrosoftCloud(host.getHost())) {
                    // A port in such an authority (https://host:8443/) defeats MSAL's token cache; harmless
                    // here, since this class keeps its own token with MSAL's expiry margin.
                    builder.instanceDiscovery(false).validateAuthority(false);
                }
            }
            this.app = builder.build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("azure.ad.authority-host is not a valid URL: " + authorityHost, e);
        }
    }

    /** The value of the {@code Authorization} header of an AMS request. */
    public String authorizationHeader() {
        return "Bearer " + accessToken();
    }

    public String accessToken() {
        IAuthenticationResult token = current;
        if (isFresh(token)) {
            return token.accessToken();
        }
        synchronized (refreshLock) {
            token = current;
            if (!isFresh(token)) {
                token = acquireUnlessBackingOff(false);
                current = token;
            }
            return token.accessToken();
        }
    }

    /**
     * AMS answered 401 to {@code rejectedAuthorization}: a new token, past MSAL's cache. Several
     * callers refused the same token at once get one new token between them: only the first one
     * whose rejected token is still the current one asks Entra ID, and at most once in 30 s.
     */
    public void renewAfterRejection(String rejectedAuthorization) {
        synchronized (refreshLock) {
            IAuthenticationResult token = current;
            boolean stillCurrent = token == null || rejectedAuthorization == null
                    || rejectedAuthorization.equals("Bearer " + token.accessToken());
            Instant now = Instant.now(clock);
            if (stillCurrent && !renewedAt.plus(LEAST_TIME_BETWEEN_RENEWALS).isAfter(now)) {
                renewedAt = now;
                current = acquireUnlessBackingOff(true);
                LOG.info("AMS refused the token of client {}: got a new one", clientId);
            }
        }
    }

    /** Called once, on the thread that saw it, when Entra ID refuses the client's credentials. */
    public void onCredentialsRefused(Consumer<CredentialsRefusedException> listener) {
        this.refusalListener = listener;
    }

    /** Whether Entra ID refused the client's credentials (for good, until a restart). */
    public boolean credentialsRefused() {
        return refused != null;
    }

    public String clientId() {
        return clientId;
    }

    // called holding refreshLock
    private IAuthenticationResult acquireUnlessBackingOff(boolean skipCache) {
        if (refused != null) {
            throw refused.again();
        }
        Failure failure = lastFailure;
        Instant now = Instant.now(clock);
        if (failure != null && now.isBefore(failure.retryAt())) {
            throw new TokenUnavailableException(failure.error().getMessage() + " (not asked again before "
                    + failure.retryAt() + ")", failure.error().getErrorCode());
        }
        try {
            IAuthenticationResult result = acquire(skipCache);
            lastFailure = null;
            return result;
        } catch (CredentialsRefusedException e) {
            refused = e;
            refusalListener.accept(e);
            throw e;
        } catch (TokenUnavailableException e) {
            int consecutive = failure == null ? 1 : failure.consecutive() + 1;
            lastFailure = new Failure(e, Instant.now(clock).plus(backoff(consecutive)), consecutive);
            throw e;
        }
    }

    /** retryBackoff, doubled for each further consecutive failure, at most maxRetryBackoff. */
    private Duration backoff(int consecutiveFailures) {
        Duration delay = retryBackoff;
        for (int i = 1; i < consecutiveFailures && delay.compareTo(maxRetryBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : delay;
    }

    /** Token requests sent to Entra ID since start (for tests and metrics). */
    public long tokenRequests() {
        return tokenRequests.get();
    }

    /** Token requests that gave no token, since start (for metrics). */
    public long failedTokenRequests() {
        return failedTokenRequests.get();
    }

    /** The outcome of the latest token request, or null before the first: health reads it without asking Entra ID. */
    public TokenOutcome lastOutcome() {
        return lastOutcome;
    }

    /** True while a token is cached and not near its expiry: an AMS request needs no token request now. */
    public boolean hasFreshToken() {
        return isFresh(current);
    }

    private boolean isFresh(IAuthenticationResult token) {
        return token != null && token.expiresOnDate().toInstant().minus(EXPIRY_MARGIN).isAfter(Instant.now(clock));
    }

    private IAuthenticationResult acquire(boolean skipCache) {
        tokenRequests.incrementAndGet();
        try {
            IAuthenticationResult result = request(skipCache);
            lastOutcome = TokenOutcome.obtained(Instant.now(clock));
            return result;
        } catch (RuntimeException e) {
            failedTokenRequests.incrementAndGet();
            lastOutcome = TokenOutcome.failed(Instant.now(clock), e.getMessage());
            throw e;
        }
    }

    private IAuthenticationResult request(boolean skipCache) {
        try {
            // the credential of this request: a secret file or a federated token may have changed since the last one
            ClientCredentialParameters request = ClientCredentialParameters.builder(scopes).skipCache(skipCache)
                    .clientCredential(credential.forTokenRequest()).build();
            IAuthenticationResult result = app.acquireToken(request).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result == null || result.accessToken() == null || result.accessToken().isEmpty()) {
                // MSAL reports an answer without access_token as a success
                throw new TokenUnavailableException("Entra ID answered without an access token for client " + clientId, null);
            }
            SecretMasking.registerToken(result.accessToken());
            LOG.debug("Got a token for client {} valid until {}", clientId, result.expiresOnDate().toInstant());
            return result;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MsalServiceException service && REFUSED_CREDENTIALS.contains(service.errorCode())) {
                throw new CredentialsRefusedException(clientId, service.errorCode(), service.statusCode(),
                        entraIdReason(service.getMessage()));
            }
            if (cause instanceof MsalClientException && cause.getCause() instanceof TokenUnavailableException unreadable) {
                // the federated token file could not be read when MSAL called back for it
                throw unreadable;
            }
            if (cause instanceof MsalServiceException service) {
                throw new TokenUnavailableException("Entra ID refused a token for client " + clientId + ": "
                        + service.errorCode() + " (HTTP " + service.statusCode() + ")", service.errorCode());
            }
            throw new TokenUnavailableException("No token for client " + clientId + ": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage(), null);
        } catch (TimeoutException e) {
            throw new TokenUnavailableException("No token for client " + clientId + ": Entra ID did not answer within "
                    + requestTimeout.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenUnavailableException("Interrupted while getting a token for client " + clientId, null);
        }
    }

    /** Entra ID's description without its trace, correlation and time stamp: "AADSTS7000215: Invalid client secret provided." */
    static String entraIdReason(String description) {
        if (description == null) {
            return "";
        }
        int trace = description.indexOf(" Trace ID:");
        String reason = trace < 0 ? description : description.substring(0, trace);
        return reason.length() > 300 ? reason.substring(0, 300) + "..." : reason;
    }
}
