package io.github.amsjobmonitor.events;

import io.github.amsjobmonitor.routes.RouteContract;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers cross the Kafka boundary, for every Kafka endpoint (set on the component).
 * <ul>
 * <li>In: no record header but {@code traceparent}. Producers of job IDs are not trusted, and the
 * monitor reads only the value, and a well-formed W3C {@code traceparent} (see {@link TraceParent}: intake
 * checks it and stores it with the job as data; nothing of it steers a write). A record header named {@code kafka.OVERRIDE_TOPIC} or {@code kafka.KEY} would otherwise
 * become a Camel header that steers the next write, and one named {@code kafka.PARTITION},
 * {@code kafka.OFFSET} or {@code kafka.TIMESTAMP} would overwrite what camel-kafka set from the record:
 * camel-kafka sets its {@code kafka.*} headers first, then copies the record headers over them.</li>
 * <li>Out: only the dead-letter headers ({@code monitor-error-code}, {@code monitor-error-reason},
 * {@code monitor-last-state}). Everything else (the {@code Authorization} header of the AMS call above
 * all) stays inside the monitor. CloudEvents headers do not pass here: the CloudEvents serializer
 * writes them.</li>
 * </ul>
 */
public class KafkaHeaderFilter implements HeaderFilterStrategy {

    // the names the route files set (see RouteContract)
    public static final String ERROR_CODE = RouteContract.ERROR_CODE_HEADER;
    public static final String ERROR_REASON = RouteContract.ERROR_REASON_HEADER;
    public static final String LAST_STATE = RouteContract.LAST_STATE_HEADER;

    private static final Set<String> PUBLISHED = Set.of(ERROR_CODE, ERROR_REASON, LAST_STATE);

    /** True = keep this Camel header out of the record being written. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !PUBLISHED.contains(headerName);
    }

    /** True = keep this record header out of the exchange: all but the W3C trace context. */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !TraceParent.HEADER.equals(headerName);
    }
}
