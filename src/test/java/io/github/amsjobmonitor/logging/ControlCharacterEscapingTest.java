package io.github.amsjobmonitor.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlCharacterEscapingTest {

    private static final String FORGED = "ticket\r\n2026-12-02T18:00:00.000Z INFO  [main] forged - all is well";

    @Test
    void should_escape_cr_lf_and_tab_as_their_usual_escapes() {
        assertEquals("a\\r\\nb\\tc", ControlCharacterEscaping.escape("a\r\nb\tc"));
    }

    @Test
    void should_escape_other_c0_del_and_c1_characters_and_the_unicode_line_separators() {
        assertEquals("\\u0000\\u001b[31m\\u007f\\u0085\\u009f\\u2028\\u2029",
                ControlCharacterEscaping.escape("\u0000\u001b[31m\u007f\u0085\u009f\u2028\u2029"));
    }

    @Test
    void should_leave_printable_text_alone_and_text_escaped_once_unchanged() {
        String printable = "nb:jid:UUID:2a7d5c1e: Queued -> Processing {\"k\":\"v\"} C:\\media ünïcödé 東京";
        assertSame(printable, ControlCharacterEscaping.escape(printable));
        String once = ControlCharacterEscaping.escape(FORGED);
        assertEquals(once, ControlCharacterEscaping.escape(once));
        assertNull(ControlCharacterEscaping.escape(null));
    }

    @Test
    void should_write_one_line_per_event_with_the_shipped_text_layout() throws Exception {
        LoggerContext context = shippedConfiguration();
        Encoder<ILoggingEvent> encoder = encoderOf(context, "text");
        String out = encode(encoder, context, "Dead-lettered a record: field '{}' is not a string.", FORGED);
        assertEquals(1, out.split("\n", -1).length - 1, out);
        assertTrue(out.contains("field 'ticket\\r\\n2026-12-02T18:00:00.000Z INFO  [main] forged - all is well'"), out);
        context.stop();
    }

    @Test
    void should_write_one_line_per_event_with_the_shipped_json_layout() throws Exception {
        LoggerContext context = shippedConfiguration();
        Encoder<ILoggingEvent> encoder = encoderOf(context, "json");
        String out = encode(encoder, context, "reason: {}", "a\u2028b\u0085c\r\nd");
        assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, out);
        assertFalse(out.contains("\u2028") || out.contains("\u0085") || out.contains("\r"), out);
        assertTrue(out.contains("a\\u2028b\\u0085c\\r\\nd"), out);
        context.stop();
    }

    private static LoggerContext shippedConfiguration() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(ControlCharacterEscapingTest.class.getResource("/logback.xml"));
        return context;
    }

    @SuppressWarnings("unchecked")
    private static Encoder<ILoggingEvent> encoderOf(LoggerContext context, String appender) {
        Logger formats = context.getLogger("io.github.amsjobmonitor.log-formats");
        return ((ConsoleAppender<ILoggingEvent>) formats.getAppender(appender)).getEncoder();
    }

    private static String encode(Encoder<ILoggingEvent> encoder, LoggerContext context, String pattern, Object argument) {
        ILoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("io.github.amsjobmonitor.dead-letter"),
                Level.WARN, pattern, null, new Object[] {argument});
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
