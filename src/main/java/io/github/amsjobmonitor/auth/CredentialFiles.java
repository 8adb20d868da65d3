package io.github.amsjobmonitor.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Reading the small text files Kubernetes mounts for credentials (secret volumes, projected tokens). */
final class CredentialFiles {

    private CredentialFiles() {
    }

    /**
     * The file's text without one trailing line break ({@code \n} or {@code \r\n}): what
     * {@code echo secret > file} or a secret created with {@code --from-file} leaves there, and never part of
     * the value. Anything else is kept as it is.
     */
    static String readValue(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** {@link #readValue}, or a {@link TokenUnavailableException} naming the file (never its content) for a token request. */
    static String readForTokenRequest(Path file, String what) {
        try {
            String value = readValue(file);
            if (value.isBlank()) {
                throw new TokenUnavailableException("The " + what + " " + file + " is empty", null);
            }
            return value;
        } catch (IOException e) {
            throw new TokenUnavailableException("The " + what + " " + file + " cannot be read: "
                    + e.getClass().getSimpleName(), null);
        }
    }

    /**
     * A sentence for a WARN line at start when the file's group or others may read it (POSIX permissions), else
     * null. A warning, not a refusal: Kubernetes mounts secret volumes 0644 unless told otherwise
     * ({@code defaultMode}), and the pod's only user may be the monitor's; where others do share the host or
     * the volume, they could read the credential. Not checked where the file system has no POSIX permissions.
     */
    static String readableByOthers(String key, Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!permissions.contains(PosixFilePermission.GROUP_READ) && !permissions.contains(PosixFilePermission.OTHERS_READ)) {
                return null;
            }
            return key + " names " + file + ", which its group or others may read (" + PosixFilePermissions.toString(permissions)
                    + "): chmod 600 it (on a Kubernetes secret volume, defaultMode: 0400)";
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }
}
