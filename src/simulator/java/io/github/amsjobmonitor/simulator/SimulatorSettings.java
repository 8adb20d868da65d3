package io.github.amsjobmonitor.simulator;

import java.time.Duration;

/**
 * What the simulated tenant accepts. The defaults match nothing real; tests use them as the
 * monitor's {@code azure.ad.*} values.
 */
public record SimulatorSettings(int port, String tenant, String clientId, String clientSecret, String scope,
                                Duration tokenLifetime, String basePath) {

    public static final String DEFAULT_TENANT = "00000000-0000-0000-0000-00000000a1b2";
    public static final String DEFAULT_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    public static final String DEFAULT_CLIENT_SECRET = "simulated-secret";
    public static final String DEFAULT_SCOPE = "https://rest.media.azure.net/.default";

    public SimulatorSettings {
        if (!basePath.startsWith("/") || !basePath.endsWith("/")) {
            throw new IllegalArgumentException("basePath must start and end with '/': " + basePath);
        }
    }

    /** Any free loopback port, default credentials, 3599 s tokens (as Entra ID), API under {@code /api/}. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(0, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE,
                Duration.ofSeconds(3599), "/api/");
    }

    public SimulatorSettings withPort(int newPort) {
        return new SimulatorSettings(newPort, tenant, clientId, clientSecret, scope, tokenLifetime, basePath);
    }

    public SimulatorSettings withCredentials(String newTenant, String newClientId, String newClientSecret) {
        return new SimulatorSettings(port, newTenant, newClientId, newClientSecret, scope, tokenLifetime, basePath);
    }

    public SimulatorSettings withScope(String newScope) {
        return new SimulatorSettings(port, tenant, clientId, clientSecret, newScope, tokenLifetime, basePath);
    }

    public SimulatorSettings withTokenLifetime(Duration newLifetime) {
        return new SimulatorSettings(port, tenant, clientId, clientSecret, scope, newLifetime, basePath);
    }

    public SimulatorSettings withBasePath(String newBasePath) {
        return new SimulatorSettings(port, tenant, clientId, clientSecret, scope, tokenLifetime, newBasePath);
    }

    /** Hides the secret, so logging the settings is safe. */
    @Override
    public String toString() {
        return "SimulatorSettings[port=" + port + ", tenant=" + tenant + ", clientId=" + clientId
                + ", clientSecret=***, scope=" + scope + ", tokenLifetime=" + tokenLifetime
                + ", basePath=" + basePath + "]";
    }
}
