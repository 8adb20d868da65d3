package io.github.amsjobmonitor.tracking;

/**
 * The most jobs one instance tracks ({@code monitor.tracking.max-jobs}), so that the heap a producer
 * can fill is bounded. A job that does not fit is not dropped: its record stays on the tracking topic,
 * unread, until jobs end here and make room ({@link TrackingStore} pauses the partition at it), and
 * intake pauses while this instance is full ({@code intake.IntakeCapacityPolicy}).
 */
public class TrackingCapacity {

    /**
     * Heap one tracked job takes without correlation data: 586 bytes, from bench/heap's heap after a
     * full GC at 10,000 jobs (36.3 MiB) and 100,000 jobs (86.6 MiB), docs/benchmarks.md:
     * (86.6 - 36.3) MiB / 90,000 jobs (the schedule's entry and queue slot, the record, the hash map).
     */
    static final int BYTES_PER_JOB = 586;
    /**
     * Heap per byte of correlationData as the intake counts it (JSON text in UTF-8 + 64 per entry):
     * measured at 1.08 for 8 long values and 1.23 for 516 one-character keys of 4 KiB of text.
     */
    static final double HEAP_PER_CORRELATION_BYTE = 1.25;
    /** The share of the heap the tracked jobs may take; the rest is Camel, the Kafka clients' buffers, checks in flight, G1's room. */
    static final double HEAP_SHARE = 0.5;

    private final JobSchedule schedule;
    private final int maxJobs;

    public TrackingCapacity(JobSchedule schedule, int maxJobs) {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("at least one job must fit");
        }
        this.schedule = schedule;
        this.maxJobs = maxJobs;
    }

    /**
     * The default cap: half the heap ({@code Runtime.maxMemory()}) divided by what one job may take
     * when it carries the largest correlationData allowed. With -Xmx256m and 4096 correlation bytes:
     * 128 MiB / (586 + 1.25 x 4096 = 5,706 bytes) = 23,522 jobs. Jobs with little correlation data take
     * about 600 bytes: an operator who knows the producers may set more (100,000 fit in 87 MiB).
     */
    public static int defaultMaxJobs(long maxHeapBytes, int maxCorrelationBytes) {
        double perJob = BYTES_PER_JOB + HEAP_PER_CORRELATION_BYTE * maxCorrelationBytes;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, HEAP_SHARE * maxHeapBytes / perJob));
    }

    public int maxJobs() {
        return maxJobs;
    }

    /** How many jobs this instance tracks now. */
    public int tracked() {
        return schedule.size();
    }

    /** Whether this instance tracks as many jobs as it may. */
    public boolean full() {
        return schedule.size() >= maxJobs;
    }

    /**
     * Whether a record of the tracking topic may be applied now: anything about a job tracked here
     * (an update, a repeated request) and any tombstone, always; a job not tracked here, only while
     * there is room. Only the store's thread adds jobs, so the room seen here cannot shrink before the
     * record is applied.
     */
    public boolean admits(String jobId, TrackedJob value) {
        return value == null || schedule.tracks(jobId) || !full();
    }
}
