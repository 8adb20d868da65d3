package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;
import io.github.amsjobmonitor.logging.SecretMasking;
import java.nio.file.Path;

/**
 * Workload identity federation: the client assertion is a JWT from another issuer (on AKS, the
 * service account token that kubelet projects into {@code AZURE_FEDERATED_TOKEN_FILE} and rotates
 * well before it expires). MSAL calls back for it on each token request it sends, so the file is read
 * then and a rotated token is used at once; MSAL's token cache keeps that to about one read an hour.
 */
final class FederatedTokenFile implements ClientCredential {

    private final Path file;
    private final IClientCredential credential;

    FederatedTokenFile(Path file) {
        this.file = file;
        this.credential = ClientCredentialFactory.createFromCallback(this::assertion);
    }

    private String assertion() {
        String assertion = CredentialFiles.readForTokenRequest(file, "federated token file").strip();
        SecretMasking.registerAssertion(assertion);
        return assertion;
    }

    @Override
    public IClientCredential forTokenRequest() {
        return credential;
    }

    @Override
    public String toString() {
        return "federated token from file " + file;
    }
}
