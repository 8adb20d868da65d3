package io.github.amsjobmonitor.auth;

/**
 * Entra ID refused the client's credentials ({@code invalid_client}: wrong or expired secret;
 * {@code unauthorized_client}: unknown application). Unlike a down or slow token endpoint, this
 * does not heal by waiting: the configuration must be fixed and the monitor restarted.
 * The message names the client and Entra ID's reason, never the secret.
 */
public class CredentialsRefusedException extends TokenUnavailableException {

    private final String clientId;

    public CredentialsRefusedException(String clientId, String errorCode, Integer httpStatus, String reason) {
        super("Entra ID refused the credentials of client " + clientId + ": " + errorCode
                + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")") + (reason.isEmpty() ? "" : ": " + reason) + (reason.endsWith(".") ? "" : "."), errorCode);
        this.clientId = clientId;
    }

    private CredentialsRefusedException(CredentialsRefusedException first) {
        super(first.getMessage(), first.getErrorCode());
        this.clientId = first.clientId;
    }

    /** The same refusal, thrown again to a later caller (no new request is sent). */
    CredentialsRefusedException again() {
        return new CredentialsRefusedException(this);
    }

    public String getClientId() {
        return clientId;
    }
}
