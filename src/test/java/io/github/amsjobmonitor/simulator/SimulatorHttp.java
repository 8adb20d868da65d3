package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A plain HTTP client speaking to a running simulator the way the monitor does. */
final class SimulatorHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AmsSimulator simulator;

    SimulatorHttp(AmsSimulator simulator) {
        this.simulator = simulator;
    }

    static String form(String grantType, String clientId, String clientSecret, String scope) {
        return "grant_type=" + encode(grantType) + "&client_id=" + encode(clientId)
                + "&client_secret=" + encode(clientSecret) + "&scope=" + encode(scope);
    }

    /** What MSAL4J sends for client credentials. */
    static String validForm() {
        return form("client_credentials", SimulatorSettings.DEFAULT_CLIENT_ID, SimulatorSettings.DEFAULT_CLIENT_SECRET,
                SimulatorSettings.DEFAULT_SCOPE + " openid profile offline_access");
    }

    HttpResponse<String> postToken(String tenant, String form) {
        return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    String accessToken() {
        HttpResponse<String> response = postToken(SimulatorSettings.DEFAULT_TENANT, validForm());
        return json(response).get("access_token").asText();
    }

    /** A Jobs() request with every header AMS wants; tests remove or change some. */
    HttpRequest.Builder jobsRequest(String query) {
        return apiRequest("Jobs()" + (query == null ? "" : "?" + query));
    }

    /** A Jobs('<id>')/Tasks request, the ID quoted and percent-encoded as the monitor sends it. */
    HttpRequest.Builder tasksRequest(String jobId) {
        return apiRequest("Jobs(" + encode("'" + jobId + "'") + ")/Tasks");
    }

    HttpResponse<String> tasks(String jobId) {
        return send(tasksRequest(jobId).build());
    }

    /** A request to {@code pathAndQuery} under the API base, with every header AMS wants. */
    HttpRequest.Builder apiRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(simulator.apiUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + accessToken())
                .header("x-ms-version", "2.19")
                .header("Accept", "application/json")
                .header("DataServiceVersion", "1.0;NetFx")
                .header("MaxDataServiceVersion", "3.0;NetFx");
    }

    static String filterQuery(String filter) {
        return "$filter=" + encode(filter);
    }

    HttpResponse<String> jobs(String query) {
        return send(jobsRequest(query).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(response.body(), e);
        }
    }

    /** Percent-encodes with %20 for spaces, as Camel's HTTP component does. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
