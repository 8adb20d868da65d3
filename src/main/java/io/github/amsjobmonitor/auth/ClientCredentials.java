package io.github.amsjobmonitor.auth;

import io.github.amsjobmonitor.InvalidSettingException;
import io.github.amsjobmonitor.logging.SecretMasking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one credential the monitor proves itself with to Entra ID, chosen from the settings: a client
 * secret, a client secret file, a client certificate, or a federated token file (workload identity).
 * Exactly one must be set: with none the monitor could get no token, and with two an operator would
 * not know which one is in use. Files are checked here, at start; their content is read again for
 * each token request where it can change (the secret file, the federated token).
 */
public final class ClientCredentials {

    static final String SECRET = "azure.ad.client-secret";
    static final String SECRET_FILE = "azure.ad.client-secret-file";
    static final String FEDERATED_TOKEN_FILE = "azure.ad.federated-token-file";

    private final ClientCredential credential;
    private final String description;
    private final String warning;
    private final List<String> fileWarnings;

    private ClientCredentials(ClientCredential credential, String description, List<String> fileWarnings) {
        this(credential, description, null, fileWarnings);
    }

    private ClientCredentials(ClientCredential credential, String description, String warning, List<String> fileWarnings) {
        this.credential = credential;
        this.description = description;
        this.warning = warning;
        this.fileWarnings = fileWarnings;
    }

    /** @throws InvalidSettingException naming the setting, when none or several are set or one cannot be used */
    public static ClientCredentials from(EntraSettings settings, Clock clock) {
        List<String> set = new ArrayList<>();
        if (settings.clientSecret() != null) {
            set.add(SECRET);
        }
        if (settings.clientSecretFile() != null) {
            set.add(SECRET_FILE);
        }
        if (settings.certificatePath() != null) {
            set.add(ClientCertificates.CERTIFICATE_KEY);
        }
        if (settings.federatedTokenFile() != null) {
            set.add(FEDERATED_TOKEN_FILE);
        }
        if (set.isEmpty()) {
            throw new InvalidSettingException(SECRET, SECRET + " is required, or another credential: set exactly one of "
                    + SECRET + ", " + SECRET_FILE + ", " + ClientCertificates.CERTIFICATE_KEY + " or " + FEDERATED_TOKEN_FILE
                    + " (AZURE_FEDERATED_TOKEN_FILE)");
        }
        if (set.size() > 1) {
            throw new InvalidSettingException(set.get(1), "only one Entra ID credential may be set, got " + String.join(" and ", set));
        }
        if (settings.certificateKeyPath() != null && settings.certificatePath() == null) {
            throw new InvalidSettingException(ClientCertificates.KEY_KEY, ClientCertificates.KEY_KEY + " is set without "
                    + ClientCertificates.CERTIFICATE_KEY);
        }
        return switch (set.get(0)) {
            case SECRET -> {
                SecretMasking.registerSecret(settings.clientSecret());
                yield new ClientCredentials(ClientCredential.secret(settings.clientSecret()), "client secret", List.of());
            }
            case SECRET_FILE -> {
                Path file = readableFile(SECRET_FILE, settings.clientSecretFile());
                yield new ClientCredentials(new SecretFileCredential(file), "client secret read from " + file + " at each token request",
                        readableByOthers(SECRET_FILE, file));
            }
            case FEDERATED_TOKEN_FILE -> {
                Path file = readableFile(FEDERATED_TOKEN_FILE, settings.federatedTokenFile());
                yield new ClientCredentials(new FederatedTokenFile(file), "federated token read from " + file
                        + " at each token request (workload identity)", readableByOthers(FEDERATED_TOKEN_FILE, file));
            }
            default -> certificate(settings, clock);
        };
    }

    private static ClientCredentials certificate(EntraSettings settings, Clock clock) {
        SecretMasking.registerSecret(settings.certificatePassword());
        Path key = settings.certificateKeyPath() == null ? null : Path.of(settings.certificateKeyPath());
        ClientCertificates.Loaded loaded = ClientCertificates.load(Path.of(settings.certificatePath()), key,
                settings.certificatePassword());
        X509Certificate leaf = loaded.leaf();
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        String name = leaf.getSubjectX500Principal().getName();
        // Entra ID refuses an out-of-date certificate; start anyway (the clock may be the wrong one) but say so
        String warning = now.isAfter(notAfter) ? "the client certificate " + name + " expired on " + notAfter
                : now.isBefore(notBefore) ? "the client certificate " + name + " is not valid before " + notBefore : null;
        List<String> fileWarnings = new ArrayList<>(readableByOthers(ClientCertificates.CERTIFICATE_KEY, Path.of(settings.certificatePath())));
        if (key != null) {
            fileWarnings.addAll(readableByOthers(ClientCertificates.KEY_KEY, key));
        }
        return new ClientCredentials(ClientCredential.of(loaded.credential()), "client certificate " + name
                + " (SHA-1 thumbprint " + ClientCertificates.portalThumbprint(leaf) + ", valid until " + notAfter + ") from "
                + settings.certificatePath(), warning, List.copyOf(fileWarnings));
    }

    private static List<String> readableByOthers(String key, Path file) {
        String warning = CredentialFiles.readableByOthers(key, file);
        return warning == null ? List.of() : List.of(warning);
    }

    private static Path readableFile(String key, String name) {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidSettingException(key, key + " names " + name + ", which is not a readable file");
        }
        return file;
    }

    public ClientCredential credential() {
        return credential;
    }

    /** What the start log says of the credential: its kind and where it comes from, never a secret. */
    public String description() {
        return description;
    }

    /** A sentence for a WARN line at start (a certificate out of its validity), or null. */
    public String warning() {
        return warning;
    }

    /** A sentence for a WARN line at start for each credential file that its group or others may read. */
    public List<String> fileWarnings() {
        return fileWarnings;
    }
}
