package io.github.amsjobmonitor.logging;

/**
 * Makes text from outside (producers' records, AMS answers) safe to put in a log line or a Kafka
 * header: every control character is written as a visible escape, so a CR or LF in a correlationData
 * key cannot start a forged log line, and a consumer that prints a header sees one line. Escaped:
 * C0 (U+0000..U+001F), DEL, C1 (U+0080..U+009F) and the Unicode line and paragraph separators
 * (U+2028, U+2029), which some log viewers and JSON-lines readers also break lines on.
 *
 * <p>Backslashes are left alone on purpose: the log layout applies this to every message as a second
 * defence ({@link MaskedMessageConverter}), and escaping them there would garble every message that
 * holds a Windows path or JSON. Text escaped once is left unchanged by a second pass.
 */
public final class ControlCharacterEscaping {

    private ControlCharacterEscaping() {
    }

    /** {@code text} with CR as {@code \r}, LF as {@code \n}, TAB as {@code \t}, other control characters as {@code \}{@code uXXXX}. */
    public static String escape(String text) {
        if (text == null || !hasControlCharacter(text)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> escaped.append("\\r");
                case '\n' -> escaped.append("\\n");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (isControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    // the common case (nothing to escape) costs one scan and no copy: this runs on every log line
    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
