package io.github.amsjobmonitor.events;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A producer's W3C trace context ({@code traceparent}, W3C Trace Context level 1), the one header of a
 * job-ids record the monitor keeps: checked here, stored with the job, and carried on the job's events
 * as the CloudEvents {@code traceparent} extension. It only ever travels as data: it chooses no topic,
 * key or partition. OpenTelemetry's propagator parses it too, but reads what it can out of a malformed
 * value (and accepts later versions); the monitor keeps exactly the form it can vouch for, or nothing.
 */
public final class TraceParent {

    /** The record header's and the CloudEvents extension's name. */
    public static final String HEADER = "traceparent";

    // version 00: 2 hex version, 32 hex trace id, 16 hex parent id, 2 hex flags, lower case only
    private static final Pattern FORMAT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceParent() {
    }

    /** The header's value when it is a well-formed version-00 traceparent, else null (a header is bytes or text). */
    public static String valid(Object header) {
        String value = header instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII)
                : header instanceof String text ? text : null;
        if (value == null || value.length() != 55 || !FORMAT.matcher(value).matches()) {
            return null;
        }
        if (value.substring(3, 35).equals(ZERO_TRACE) || value.substring(36, 52).equals(ZERO_PARENT)) {
            return null;
        }
        return value;
    }

    /** A traceparent that {@link #valid} kept, as OpenTelemetry's remote span context (for a span link). */
    public static SpanContext spanContext(String traceparent) {
        return SpanContext.createFromRemoteParent(traceparent.substring(3, 35), traceparent.substring(36, 52),
                TraceFlags.fromHex(traceparent, 53), TraceState.getDefault());
    }
}
