package io.github.amsjobmonitor.auth;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Health check {@code credentials}: DOWN once Entra ID has refused the client's credentials (until a restart). */
public class CredentialsHealthCheck extends AbstractHealthCheck {

    private final TokenProvider tokens;

    public CredentialsHealthCheck(TokenProvider tokens) {
        super("credentials");
        this.tokens = tokens;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("client.id", tokens.clientId());
        if (tokens.credentialsRefused()) {
            builder.message("Entra ID refused the credentials of client " + tokens.clientId()
                    + ": fix azure.ad.client-id / azure.ad.client-secret and restart").down();
        } else {
            builder.up();
        }
    }
}
