package io.github.amsjobmonitor.auth;

import java.util.Map;
import java.util.function.Function;

/**
 * The {@code azure.ad.*} settings that say who the monitor is to Entra ID, with AKS workload
 * identity's environment variables as defaults: the webhook injects {@code AZURE_CLIENT_ID},
 * {@code AZURE_TENANT_ID}, {@code AZURE_AUTHORITY_HOST} and {@code AZURE_FEDERATED_TOKEN_FILE}, which
 * Camel's own mapping would not read (it expects {@code AZURE_AD_CLIENT_ID}...). An {@code azure.ad.*}
 * value, when set, wins. {@code AZURE_FEDERATED_TOKEN_FILE} counts only when no {@code azure.ad.*}
 * credential is set, so a pod that has it injected can still be given a certificate or a secret.
 */
public record EntraSettings(String authorityHost, String tenantId, String clientId, String clientSecret,
                            String clientSecretFile, String certificatePath, String certificateKeyPath,
                            String certificatePassword, String federatedTokenFile) {

    public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

    /**
     * @param setting a configuration value by key, null or blank when not set
     * @param env     the process environment
     */
    public static EntraSettings read(Function<String, String> setting, Map<String, String> env) {
        String secret = value(setting.apply("azure.ad.client-secret"));
        String secretFile = value(setting.apply("azure.ad.client-secret-file"));
        String certificate = value(setting.apply(ClientCertificates.CERTIFICATE_KEY));
        String federated = value(setting.apply("azure.ad.federated-token-file"));
        if (secret == null && secretFile == null && certificate == null && federated == null) {
            federated = value(env.get("AZURE_FEDERATED_TOKEN_FILE"));
        }
        return new EntraSettings(
                firstOf(setting.apply("azure.ad.authority-host"), env.get("AZURE_AUTHORITY_HOST"), DEFAULT_AUTHORITY_HOST),
                firstOf(setting.apply("azure.ad.tenant-id"), env.get("AZURE_TENANT_ID"), null),
                firstOf(setting.apply("azure.ad.client-id"), env.get("AZURE_CLIENT_ID"), null),
                secret, secretFile, certificate,
                value(setting.apply(ClientCertificates.KEY_KEY)),
                value(setting.apply(ClientCertificates.PASSWORD_KEY)),
                federated);
    }

    /** Whether any credential is set (a secret, a secret file, a certificate or a federated token file). */
    public boolean hasCredential() {
        return clientSecret != null || clientSecretFile != null || certificatePath != null || federatedTokenFile != null;
    }

    private static String firstOf(String setting, String environment, String fallback) {
        String chosen = value(setting) != null ? value(setting) : value(environment);
        return chosen != null ? chosen : fallback;
    }

    private static String value(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** Hides the secret and the password, so logging the settings is safe. */
    @Override
    public String toString() {
        return "EntraSettings[authorityHost=" + authorityHost + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "none" : "***") + ", clientSecretFile=" + clientSecretFile
                + ", certificatePath=" + certificatePath + ", certificateKeyPath=" + certificateKeyPath
                + ", certificatePassword=" + (certificatePassword == null ? "none" : "***")
                + ", federatedTokenFile=" + federatedTokenFile + "]";
    }
}
