package io.github.amsjobmonitor.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collapses the duplicate check chains that at-least-once delivery can create. When a consumer
 * dies after writing a job's next check but before committing the record it came from, the new
 * owner of the partition checks that record again and writes a second next check: from then on
 * the job would be checked twice per interval.
 *
 * <p>Such duplicates only arise from records read again after a partition changes hands (or after
 * a seek back on error), and both chains reach the new owner within about one interval. So for a
 * few intervals after a partition starts at an offset that does not follow the last one seen, this
 * filter remembers when each job was last checked, and a check of the same job less than one
 * interval after the previous one is a duplicate: its chain ends there. A job's own chain never
 * comes sooner, since each next check is due one interval after its check was written. Outside
 * those windows nothing is kept, so memory does not grow with the number of tracked jobs.
 */
public class DuplicateCheckFilter {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateCheckFilter.class);
    private static final int WINDOW_INTERVALS = 3;

    private final Duration interval;
    private final Clock clock;
    // one entry per partition; each partition is read by a single consumer thread at a time
    private final Map<Integer, PartitionWindow> partitions = new ConcurrentHashMap<>();

    public DuplicateCheckFilter(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /** True when this check repeats one made less than an interval ago through another chain. */
    public boolean isRepeat(String jobId, int partition, long offset) {
        Instant now = clock.instant();
        PartitionWindow window = partitions.get(partition);
        if (window == null || offset != window.lastOffset + 1) {
            window = new PartitionWindow(now.plus(interval.multipliedBy(WINDOW_INTERVALS)));
            partitions.put(partition, window);
            LOG.debug("Checks partition {} (re)started at offset {}: collapsing duplicate checks until {}", partition, offset,
                    window.endsAt);
        }
        window.lastOffset = offset;
        if (window.lastChecked == null) {
            return false;
        }
        if (now.isAfter(window.endsAt)) {
            window.lastChecked = null;
            return false;
        }
        Instant previous = window.lastChecked.put(jobId, now);
        if (previous != null && Duration.between(previous, now).compareTo(interval) < 0) {
            window.lastChecked.put(jobId, previous);
            return true;
        }
        return false;
    }

    private static final class PartitionWindow {
        private final Instant endsAt;
        private long lastOffset;
        private Map<String, Instant> lastChecked = new HashMap<>();

        private PartitionWindow(Instant endsAt) {
            this.endsAt = endsAt;
        }
    }
}
