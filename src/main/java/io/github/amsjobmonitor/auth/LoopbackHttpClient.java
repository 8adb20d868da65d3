package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;

/**
 * Lets MSAL talk to a token endpoint on this machine over plain http. MSAL refuses http
 * authorities, so the monitor gives it {@code https://<host>/<tenant>/} and this client sends the
 * same path to {@code http://<host>:<port>}. It exists for the simulator and local tests only;
 * {@link TokenProvider} uses it for loopback hosts alone.
 */
class LoopbackHttpClient implements IHttpClient {

    // java.net.http sets these itself and refuses them from callers
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private final URI target;
    private final HttpClient http;
    private final Duration readTimeout;

    LoopbackHttpClient(URI target, Duration connectTimeout, Duration readTimeout) {
        this.target = target;
        this.readTimeout = readTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        URI asked = request.url().toURI();
        URI sent = new URI(target.getScheme(), null, target.getHost(), target.getPort(),
                asked.getPath(), asked.getQuery(), null);
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
        var answer = http.send(builder.build(), BodyHandlers.ofString());
        var response = new com.microsoft.aad.msal4j.HttpResponse().statusCode(answer.statusCode()).body(answer.body());
        response.addHeaders(answer.headers().map());
        return response;
    }
}
