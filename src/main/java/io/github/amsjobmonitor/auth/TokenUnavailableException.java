package io.github.amsjobmonitor.auth;

/** No bearer token could be had from Entra ID. The message names the client and the cause, never the secret. */
public class TokenUnavailableException extends RuntimeException {

    private final String errorCode;

    public TokenUnavailableException(String message, String errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /** Entra ID's error code ({@code invalid_client}, ...) when it answered, else null. */
    public String getErrorCode() {
        return errorCode;
    }
}
