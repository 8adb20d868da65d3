package io.github.amsjobmonitor.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** %maskedEx: a stack trace whose messages cannot forge log lines, and whose secrets are masked. */
class MaskedThrowableConverterTest {

    private static final String FORGED = "2026-01-01T00:00:00.000Z INFO  [main] forged - all is well";

    private static String render(Throwable failure) {
        LoggerContext context = new LoggerContext();
        Logger logger = context.getLogger("test");
        MaskedThrowableConverter converter = new MaskedThrowableConverter();
        converter.setContext(context);
        converter.start();
        return converter.convert(new LoggingEvent("test", logger, Level.ERROR, "failed", failure, null));
    }

    @Test
    void should_escape_line_breaks_in_the_messages_of_a_throwable_its_causes_and_suppressed_ones() {
        IllegalStateException failure = new IllegalStateException("bad answer\n" + FORGED,
                new IllegalArgumentException("cause\r\n" + FORGED));
        failure.addSuppressed(new RuntimeException("suppressed\u2028" + FORGED));

        String trace = render(failure);

        List<String> forgedLines = trace.lines().filter(line -> line.startsWith("2026-")).toList();
        assertEquals(List.of(), forgedLines, trace);
        assertTrue(trace.contains("bad answer\\n" + FORGED), trace);
        assertTrue(trace.contains("cause\\r\\n" + FORGED), trace);
        assertTrue(trace.contains("suppressed\\u2028" + FORGED), trace);
        assertTrue(trace.lines().anyMatch(line -> line.strip().startsWith("at io.github.amsjobmonitor.")), "frames stay lines: " + trace);
    }

    @Test
    void should_still_mask_registered_secrets() {
        SecretMasking.registerSecret("s3cret-for-trace-test");
        String trace = render(new IllegalStateException("refused s3cret-for-trace-test"));
        assertFalse(trace.contains("s3cret-for-trace-test"), trace);
    }
}
