package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * MSAL's HTTP client for every request to Entra ID (token, metadata), so that each answer is read with a
 * size cap ({@code monitor.token.max-answer-size}): MSAL's own client reads whatever comes. The cap is
 * applied while the body streams in (at most one byte past it is read, then the connection is dropped), so
 * a misbehaving endpoint cannot make the monitor buffer a gigabyte; an oversized answer fails the token
 * request. TLS is java.net.http's default: the JVM's trust store and hostname checks.
 *
 * <p>{@link #toLoopback} also lets MSAL talk to a token endpoint on this machine over plain http (the
 * simulator, local tests): MSAL refuses http authorities, so the monitor gives it
 * {@code https://<host>/<tenant>/} and this client sends the same path to {@code http://<host>:<port>}.
 */
class EntraHttpClient implements IHttpClient {

    // java.net.http sets these itself and refuses them from callers
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private final URI target;
    private final HttpClient http;
    private final Duration readTimeout;
    private final long maxAnswerBytes;

    private EntraHttpClient(URI target, Duration connectTimeout, Duration readTimeout, long maxAnswerBytes) {
        if (maxAnswerBytes <= 0) {
            throw new IllegalArgumentException("the answer size cap must be positive, got " + maxAnswerBytes);
        }
        this.target = target;
        this.readTimeout = readTimeout;
        this.maxAnswerBytes = maxAnswerBytes;
        // the system proxy settings, as MSAL's own client (HttpsURLConnection) would use them
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).proxy(ProxySelector.getDefault()).build();
    }

    /** Sends each request where MSAL asks (https). */
    static EntraHttpClient direct(Duration connectTimeout, Duration readTimeout, long maxAnswerBytes) {
        return new EntraHttpClient(null, connectTimeout, readTimeout, maxAnswerBytes);
    }

    /** Sends each request's path and query to {@code target} ({@code http://<loopback host>:<port>}) instead. */
    static EntraHttpClient toLoopback(URI target, Duration connectTimeout, Duration readTimeout, long maxAnswerBytes) {
        return new EntraHttpClient(target, connectTimeout, readTimeout, maxAnswerBytes);
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        URI asked = request.url().toURI();
        URI sent = target == null ? asked
                : new URI(target.getScheme(), null, target.getHost(), target.getPort(), asked.getPath(), asked.getQuery(), null);
        var builder = java.net.http.HttpRequest.newBuilder(sent).timeout(readTimeout);
        request.headers().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                builder.header(name, value);
            }
        });
        String body = request.body();
        builder.method(request.httpMethod().name(), body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        var answer = http.send(builder.build(), BodyHandlers.ofInputStream());
        var response = new com.microsoft.aad.msal4j.HttpResponse().statusCode(answer.statusCode())
                .body(readCapped(answer.body(), answer.headers().firstValueAsLong("content-length").orElse(-1)));
        response.addHeaders(answer.headers().map());
        return response;
    }

    private String readCapped(InputStream body, long declaredLength) throws IOException {
        try (body) {
            if (declaredLength > maxAnswerBytes) {
                throw tooLarge();
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxAnswerBytes + 1));
            if (bytes.length > maxAnswerBytes) {
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private IOException tooLarge() {
        return new IOException("Entra ID's answer is longer than monitor.token.max-answer-size allows (" + maxAnswerBytes + " bytes)");
    }
}
