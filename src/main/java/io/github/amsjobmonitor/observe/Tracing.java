package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.ams.AmsClient;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces through Camel's own OpenTelemetry module (camel-opentelemetry2): a span for each route a
 * message enters and each endpoint it is sent to, so each event write (the kafka span of
 * publish-status, publish-progress and the outcome topics); and a client span for each AMS request,
 * made by the amsClient bean (its requests pass no Camel endpoint). Off unless {@code monitor.tracing.enabled}: then no SDK is made and no tracer is
 * added, so nothing is spent on it.
 * <p>
 * On, the SDK is set up by OpenTelemetry's autoconfiguration from the standard {@code OTEL_*}
 * variables or {@code otel.*} system properties (exporter, endpoint, sampler, resource), traces only:
 * metrics stay with Prometheus and logs with the log files unless those variables say otherwise.
 * camel-main's own {@code camel.opentelemetry2.enabled} was not used: it takes the global
 * OpenTelemetry, which nothing here sets up, and would trace the schedule's timer too.
 */
public final class Tracing extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

    static final String ENABLED = "monitor.tracing.enabled";
    /** The schedule's tick (every 50 ms, nearly always nothing due) is not worth a trace each. */
    static final String EXCLUDED = "timer:*";

    private final OpenTelemetrySdk owned;

    private Tracing(OpenTelemetrySdk owned) {
        this.owned = owned;
    }

    /**
     * Adds Camel's tracer when {@code monitor.tracing.enabled} is true; call before the routes are made.
     * An {@link OpenTelemetry} bound in the registry is used as it is (tests bind one with an in-memory
     * exporter); otherwise the SDK is made from the OTEL_* settings and closed (its spans flushed) with Camel.
     */
    public static boolean installIfEnabled(CamelContext camel) {
        boolean enabled = camel.getPropertiesComponent().resolveProperty(ENABLED).map(String::strip).map(Boolean::parseBoolean)
                .orElse(false);
        if (!enabled) {
            return false;
        }
        OpenTelemetry openTelemetry = camel.getRegistry().findSingleByType(OpenTelemetry.class);
        OpenTelemetrySdk owned = null;
        if (openTelemetry == null) {
            String name = camel.getPropertiesComponent().resolveProperty("camel.main.name").orElse("ams-job-monitor");
            owned = AutoConfiguredOpenTelemetrySdk.builder()
                    // defaults only: OTEL_* variables and otel.* system properties win
                    .addPropertiesSupplier(() -> Map.of("otel.service.name", name, "otel.metrics.exporter", "none",
                            "otel.logs.exporter", "none"))
                    .build().getOpenTelemetrySdk();
            openTelemetry = owned;
        }
        // camel-opentelemetry2 takes the tracer and propagators it finds in the registry
        camel.getRegistry().bind("monitorTracer", Tracer.class, openTelemetry.getTracer("ams-job-monitor"));
        camel.getRegistry().bind("monitorPropagators", ContextPropagators.class, openTelemetry.getPropagators());
        // the AMS requests are made inside the amsClient bean, past Camel's tracer: one span each from there
        AmsClient amsClient = camel.getRegistry().lookupByNameAndType("amsClient", AmsClient.class);
        if (amsClient != null) {
            amsClient.traceWith(amsRequestSpans(openTelemetry.getTracer("ams-job-monitor")));
        }
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setExcludePatterns(EXCLUDED);
        tracer.init(camel);
        try {
            camel.addService(new Tracing(owned), true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add tracing", e);
        }
        LOG.info("Tracing on: a span for each AMS request and each event write{}",
                owned == null ? "" : ", sent where the OTEL_* settings say");
        return true;
    }

    /** A client span per AMS request, named and tagged as Camel's http spans were (method, URL, status). */
    static AmsClient.RequestTracer amsRequestSpans(io.opentelemetry.api.trace.Tracer tracer) {
        return url -> {
            io.opentelemetry.api.trace.Span span = tracer.spanBuilder("GET")
                    .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
                    .setAttribute("http.method", "GET")
                    .setAttribute("http.url", url)
                    .startSpan();
            return (status, failure) -> {
                if (status > 0) {
                    span.setAttribute("http.status_code", String.valueOf(status));
                }
                if (status == 0 || status >= 500) {
                    span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
                }
                if (failure != null) {
                    span.recordException(failure);
                }
                span.end();
            };
        };
    }

    @Override
    protected void doStop() {
        if (owned != null) {
            owned.close();
        }
    }
}
