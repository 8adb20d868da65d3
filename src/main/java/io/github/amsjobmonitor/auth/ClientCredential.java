package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;

/**
 * The credential that goes with the next token request. Asked anew for each request (MSAL's
 * per-request {@code ClientCredentialParameters.clientCredential}), because a credential read from a
 * file can change while the monitor runs: MSAL sends a client secret only from its own
 * {@code createFromSecret} instance (it tests for its package-private class), so a rotated secret
 * needs a new MSAL credential, not a custom {@code IClientSecret}.
 */
@FunctionalInterface
public interface ClientCredential {

    /** The credential for the token request about to be sent; a {@link TokenUnavailableException} if none can be had now. */
    IClientCredential forTokenRequest();

    /** A credential that never changes (a secret or certificate given at start, or a callback that reads for itself). */
    static ClientCredential of(IClientCredential fixed) {
        return () -> fixed;
    }

    /** A client secret given as a setting. */
    static ClientCredential secret(String clientSecret) {
        return of(ClientCredentialFactory.createFromSecret(clientSecret));
    }
}
