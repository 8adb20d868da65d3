package io.github.amsjobmonitor.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * logback's own JSON lines, with the same redaction as the text format's %maskedMsg/%maskedEx:
 * JsonEncoder writes the message and stack trace itself, so the masking converters never see them.
 */
public class MaskedJsonEncoder extends JsonEncoder {

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = new String(super.encode(event), StandardCharsets.UTF_8);
        return SecretMasking.mask(line).getBytes(StandardCharsets.UTF_8);
    }
}
