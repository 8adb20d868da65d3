package io.github.amsjobmonitor.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %maskedMsg} in logback.xml: the event's message with credentials redacted ({@link SecretMasking})
 * and control characters escaped ({@link ControlCharacterEscaping}), so one event is one line whatever a
 * producer or AMS put in the text. The code escapes outside text where it builds a message; this holds
 * for any logger that forgot to.
 */
public class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return ControlCharacterEscaping.escape(SecretMasking.mask(super.convert(event)));
    }
}
