package io.github.amsjobmonitor;

/**
 * A setting is missing or malformed. Its message is one line naming the key and what is expected;
 * {@link Application} prints it alone, without a stack trace, and exits with status 1.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private final String key;

    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String getKey() {
        return key;
    }
}
