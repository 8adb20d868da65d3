package io.github.amsjobmonitor.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A running monitor's management port (health, metrics, the job lookup) as a test reaches it: the
 * settings that turn it on, with or without HTTP Basic authentication, and GET requests as one operator
 * or as a stranger.
 */
public final class ManagementHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String user;

    /** Requests whose credentials, when a password is given, are {@code user}'s. */
    public ManagementHttp(String user) {
        this.user = user;
    }

    /** A port nothing listens on now, for camel.management.port. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Turns the management port on, at {@code port}, without authentication (the shipped default). */
    public static void enable(Map<String, String> settings, int port) {
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(port));
    }

    /**
     * Turns the management port on, at {@code port}, with HTTP Basic authentication: one user with every
     * right, in a temporary users file that the caller deletes when done (returned).
     */
    public static Path enableWithUser(Map<String, String> settings, int port, String user, String password) throws IOException {
        Path users = Files.createTempFile("management-users", ".properties");
        Files.writeString(users, "user." + user + "=" + password + ",observer\nrole.observer=*\n");
        enable(settings, port);
        settings.put("camel.management.authentication-enabled", "true");
        settings.put("camel.management.basic-properties-file", users.toString());
        return users;
    }

    /** GET http://127.0.0.1:{port}{pathAndQuery}, with the user's credentials unless {@code password} is null. */
    public HttpResponse<String> get(int port, String pathAndQuery, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20));
        if (password != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
