package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalServiceException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public class TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);
    // a 401 that persists with fresh tokens (an auth outage) must not turn every check into a token request
    private static final Duration LEAST_TIME_BETWEEN_RENEWALS = Duration.ofSeconds(30);

    private final ConfidentialClientApplication app;
    private final ClientCredentialParameters parameters;
    private final ClientCredentialParameters renewal;
    private final String clientId;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Object refreshLock = new Object();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong failedTokenRequests = new AtomicLong();
    private volatile IAuthenticationResult current;
    private Instant renewedAt = Instant.MIN;
    private volatile TokenOutcome lastOutcome;

    public TokenProvider(String authorityHost, String tenantId, String clientId, String clientSecret, String scope,
                         Duration connectTimeout, Duration readTimeout, Clock clock) {
        this.clientId = clientId;
        this.clock = clock;
        this.requestTimeout = connectTimeout.plus(readTimeout).multipliedBy(2);
        this.parameters = ClientCredentialParameters.builder(Set.of(scope)).build();
        this.renewal = ClientCredentialParameters.builder(Set.of(scope)).skipCache(true).build();
        URI host = URI.create(authorityHost.endsWith("/") ? authorityHost : authorityHost + "/");
        try {
            var builder = ConfidentialClientApplication.builder(clientId, ClientCredentialFactory.createFromSecret(clientSecret));
            if ("http".equals(host.getScheme())) {
                requireLoopback(host);
                // MSAL takes only https authorities; a port in the authority would also defeat its cache
                builder.authority("https://" + host.getHost() + "/" + tenantId + "/")
                        .instanceDiscovery(false)
                        .validateAuthority(false)
                        .httpClient(new LoopbackHttpClient(host, connectTimeout, readTimeout));
            } else if ("https".equals(host.getScheme())) {
                builder.authority(host.resolve(tenantId + "/").toString())
                        .connectTimeoutForDefaultHttpClient((int) connectTimeout.toMillis())
                        .readTimeoutForDefaultHttpClient((int) readTimeout.toMillis());
            } else {
                throw new IllegalArgumentException("azure.ad.authority-host must be an https:// URL (http:// only for this machine), got "
                        + authorityHost);
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
                token = acquire(parameters);
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
                current = acquire(renewal);
                LOG.info("AMS refused the token of client {}: got a new one", clientId);
            }
        }
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

    private IAuthenticationResult acquire(ClientCredentialParameters request) {
        tokenRequests.incrementAndGet();
        try {
            IAuthenticationResult result = request(request);
            lastOutcome = TokenOutcome.obtained(Instant.now(clock));
            return result;
        } catch (RuntimeException e) {
            failedTokenRequests.incrementAndGet();
            lastOutcome = TokenOutcome.failed(Instant.now(clock), e.getMessage());
            throw e;
        }
    }

    private IAuthenticationResult request(ClientCredentialParameters request) {
        try {
            IAuthenticationResult result = app.acquireToken(request).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result == null || result.accessToken() == null || result.accessToken().isEmpty()) {
                // MSAL reports an answer without access_token as a success
                throw new TokenUnavailableException("Entra ID answered without an access token for client " + clientId, null);
            }
            LOG.debug("Got a token for client {} valid until {}", clientId, result.expiresOnDate().toInstant());
            return result;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
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

    /** Decided on the name alone, without a DNS look-up: localhost or a loopback IP literal. */
    private static void requireLoopback(URI host) {
        String name = host.getHost() == null ? "" : host.getHost().replaceAll("^\\[|]$", "");
        boolean loopback = name.equalsIgnoreCase("localhost");
        if (!loopback && (name.matches("[0-9.]+") || name.contains(":"))) {
            try {
                loopback = InetAddress.getByName(name).isLoopbackAddress();
            } catch (UnknownHostException e) {
                loopback = false;
            }
        }
        if (!loopback) {
            throw new IllegalArgumentException("azure.ad.authority-host may use http:// only for a loopback host, got " + host);
        }
    }
}
