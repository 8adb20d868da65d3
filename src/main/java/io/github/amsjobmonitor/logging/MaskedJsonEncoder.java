package io.github.amsjobmonitor.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * logback's own JSON lines, with the same redaction as the text format's %maskedMsg/%maskedEx:
 * JsonEncoder writes the message and stack trace itself, so the masking converters never see them.
 * JsonEncoder escapes C0 characters but writes DEL, C1 and U+2028/U+2029 raw; those are escaped
 * here too (as JSON {@code \}{@code uXXXX} escapes, so a JSON reader still gets the original text).
 */
public class MaskedJsonEncoder extends JsonEncoder {

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = new String(super.encode(event), StandardCharsets.UTF_8);
        // the line's own terminator is the one line break it may have
        String terminator = line.endsWith("\n") ? "\n" : "";
        String body = line.substring(0, line.length() - terminator.length());
        return (ControlCharacterEscaping.escape(SecretMasking.mask(body)) + terminator).getBytes(StandardCharsets.UTF_8);
    }
}
