package io.github.amsjobmonitor.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
