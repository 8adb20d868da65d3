package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Tracer;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tracing is off unless asked for: then no tracer, no SDK. Asked for, it comes up from the OTEL_* settings alone. */
class TracingSwitchTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    private void settings(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        camel.getPropertiesComponent().setInitialProperties(properties);
    }

    @Test
    void should_add_no_tracer_by_default() {
        assertFalse(Tracing.installIfEnabled(camel));
        settings("monitor.tracing.enabled", "false");
        assertFalse(Tracing.installIfEnabled(camel));
        assertNull(camel.hasService(org.apache.camel.telemetry.Tracer.class));
        assertNull(camel.getRegistry().findSingleByType(Tracer.class));
    }

    @Test
    void should_make_its_own_sdk_from_the_otel_settings_when_enabled() {
        assertTrue(recordsSpans(null), "OpenTelemetry's default sampler samples every root span");
        assertFalse(recordsSpans("always_off"), "otel.traces.sampler is obeyed");
    }

    /** Whether the tracer Tracing makes samples a span, with otel.traces.sampler as given (null: not set). */
    private static boolean recordsSpans(String sampler) {
        // no exporter, so that nothing is sent anywhere from a test (OTEL_TRACES_EXPORTER=none does the same)
        System.setProperty("otel.traces.exporter", "none");
        if (sampler != null) {
            System.setProperty("otel.traces.sampler", sampler);
        }
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            Properties properties = new Properties();
            properties.setProperty("monitor.tracing.enabled", "true");
            context.getPropertiesComponent().setInitialProperties(properties);
            assertTrue(Tracing.installIfEnabled(context));
            assertNotNull(context.hasService(org.apache.camel.telemetry.Tracer.class));
            assertNotNull(context.hasService(Tracing.class));
            context.start();
            io.opentelemetry.api.trace.Span span = context.getRegistry().findSingleByType(Tracer.class).spanBuilder("probe").startSpan();
            span.end();
            return span.getSpanContext().isSampled();
        } finally {
            context.stop();
            System.clearProperty("otel.traces.exporter");
            System.clearProperty("otel.traces.sampler");
        }
    }
}
