package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;
import io.github.amsjobmonitor.logging.SecretMasking;
import java.nio.file.Path;

/**
 * A client secret read from a file (a Kubernetes secret volume) at each token request, so a secret
 * rotated in the volume is used from the next token on, without a restart. Each value read is
 * masked in logs before it can reach MSAL.
 */
final class SecretFileCredential implements ClientCredential {

    private final Path file;

    SecretFileCredential(Path file) {
        this.file = file;
    }

    @Override
    public IClientCredential forTokenRequest() {
        String secret = CredentialFiles.readForTokenRequest(file, "client secret file");
        SecretMasking.registerSecret(secret);
        return ClientCredentialFactory.createFromSecret(secret);
    }

    @Override
    public String toString() {
        return "client secret from file " + file;
    }
}
