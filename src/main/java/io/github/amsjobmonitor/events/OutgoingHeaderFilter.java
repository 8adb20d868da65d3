package io.github.amsjobmonitor.events;

import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Decides which Camel message headers become Kafka record headers: only the dead-letter headers
 * ({@code monitor-error-code}, {@code monitor-error-reason}, {@code monitor-last-state}). Everything
 * else (the {@code Authorization} header of the AMS call above all) stays inside the monitor. CloudEvents headers do not pass here: the CloudEvents serializer writes them.
 * Incoming record headers are all let in.
 */
public class OutgoingHeaderFilter implements HeaderFilterStrategy {

    public static final String ERROR_CODE = "monitor-error-code";
    public static final String ERROR_REASON = "monitor-error-reason";
    public static final String LAST_STATE = "monitor-last-state";

    private static final Set<String> PUBLISHED = Set.of(ERROR_CODE, ERROR_REASON, LAST_STATE);

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !PUBLISHED.contains(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return false;
    }
}
