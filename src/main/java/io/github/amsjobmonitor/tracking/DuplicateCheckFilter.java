package io.github.amsjobmonitor.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collapses the duplicate check chains that at-least-once delivery can create. When a consumer
 * dies after writing a job's next check (or its first one, for a new job ID) but before committing
 * the record it came from, whoever reads that record again checks the job again and starts a
 * second chain: from then on the job would be checked twice per interval.
 *
 * <p>The rule needs no timing: a record written before the start of the job's latest completed
 * check is stale, since that check has already written the job's next record. So a check record
 * whose Kafka timestamp is older than that is dropped, and a job ID read again after such a check
 * is not tracked a second time. A check counts only once its outcome is written
 * ({@link #checked}): a check whose write failed leaves its record to be read again, and that
 * record must not be taken for a duplicate.
 *
 * <p>Applying it takes memory per job, so it is applied only while duplicates can arise: from the
 * moment a partition (of job IDs or of checks) is read from an offset that does not follow the
 * last one seen, which is what a restart, a rebalance or a seek back look like, until the consumers
 * have caught up again and a few intervals have passed. Outside those windows nothing is kept, and
 * memory does not grow with the number of tracked jobs.
 */
public class DuplicateCheckFilter {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateCheckFilter.class);

    private final Duration interval;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Long> lastOffsets = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();
    private volatile Instant windowEnd = Instant.MIN;

    public DuplicateCheckFilter(Duration interval, Clock clock) {
        this.interval = interval;
        // long enough for the chains of the records read again to come round, however short the interval
        this.window = max(interval.multipliedBy(3), Duration.ofMinutes(1));
        this.clock = clock;
    }

    /**
     * For a due check read from the checks topic: true when it is stale and its chain ends here.
     *
     * @param writtenAt the record's Kafka timestamp, in epoch milliseconds
     * @param dueAt     when the check was due (a check much later than that means a backlog)
     */
    public boolean isStaleCheck(String jobId, int partition, long offset, long writtenAt, Instant dueAt) {
        Instant now = clock.instant();
        boolean behind = Duration.between(dueAt, now).compareTo(interval) > 0;
        return isStale("checks-" + partition, offset, jobId, Instant.ofEpochMilli(writtenAt), now, behind);
    }

    /** For a job ID read from the input topic: true when the job is already tracked by a chain checked since. */
    public boolean isStaleRequest(String jobId, int partition, long offset, long writtenAt) {
        Instant now = clock.instant();
        Instant written = Instant.ofEpochMilli(writtenAt);
        boolean behind = Duration.between(written, now).compareTo(interval) > 0;
        return isStale("job-ids-" + partition, offset, jobId, written, now, behind);
    }

    private boolean isStale(String source, long offset, String jobId, Instant written, Instant now, boolean behind) {
        Long previousOffset = lastOffsets.put(source, offset);
        if (previousOffset == null || offset != previousOffset + 1 || (behind && isOpen(now))) {
            openUntil(now.plus(window), source, offset);
        }
        if (!isOpen(now)) {
            if (!lastChecked.isEmpty()) {
                lastChecked.clear();
            }
            return false;
        }
        Instant last = lastChecked.get(jobId);
        return last != null && written.isBefore(last);
    }

    /**
     * The time a check starts, to hand to {@link #checked} once its outcome is written. Kafka
     * timestamps have millisecond precision, so this is cut to the millisecond too: a record the
     * check writes within the same millisecond must not count as written before it.
     */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Records a check of the job, started at {@code startedAt}, whose outcome has been written. */
    public void checked(String jobId, Instant startedAt) {
        if (isOpen(clock.instant())) {
            lastChecked.merge(jobId, startedAt, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private boolean isOpen(Instant now) {
        return now.isBefore(windowEnd);
    }

    private synchronized void openUntil(Instant end, String source, long offset) {
        if (end.isAfter(windowEnd)) {
            LOG.debug("{} read from offset {}: dropping stale checks until {}", source, offset, end);
            windowEnd = end;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
