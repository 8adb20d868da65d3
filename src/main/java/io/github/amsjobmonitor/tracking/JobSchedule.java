package io.github.amsjobmonitor.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs this instance tracks, in memory, and when each is due. It holds the jobs of the tracking
 * topic's partitions that Kafka assigned to this instance ({@link TrackingStore} restores them and
 * feeds later records in); a job of a partition still restoring is not checked.
 * <p>
 * Due jobs leave in batches ({@link #takeDue()}) and come back when their check is over
 * ({@link #checked}, {@link #retryLater}, {@link #stopped}), or when Camel cut their batch's check off
 * ({@link #handBack}): a job is never in two checks at once.
 * A full batch leaves as soon as its jobs are due; a partial one only when its first job has waited
 * {@code batchWindow}, so that jobs due a few milliseconds apart share a request. Nothing waits here:
 * a caller that finds nothing due comes back later (the check route's timer).
 */
public class JobSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(JobSchedule.class);

    private final TrackingRecords records = new TrackingRecords();
    private final String instance = UUID.randomUUID().toString();
    private final long intervalNanos;
    private final long batchWindowNanos;
    private final int batchSize;
    private final int maxInFlight;
    private final long stuckNanos;
    private final LongSupplier nanoClock;

    // all guarded by this
    private final Map<String, Entry> jobs = new HashMap<>();
    private final PriorityQueue<Slot> waiting = new PriorityQueue<>(Comparator.comparingLong(Slot::dueAt));
    // jobs never checked yet (new job IDs): due ones leave before due re-checks, so that a burst of new
    // job IDs gets its first events without waiting behind the jobs already seen
    private final PriorityQueue<Slot> firstChecks = new PriorityQueue<>(Comparator.comparingLong(Slot::dueAt));
    private final Map<Integer, Boolean> partitions = new HashMap<>(); // partition -> restored
    private final LinkedHashMap<Entry, Take> inFlight = new LinkedHashMap<>(); // entry -> when and in which batch taken
    private long failedChecks;
    private final Map<String, LongAdder> checksByOutcome = new ConcurrentHashMap<>();

    /**
     * @param interval    time between two checks of a job
     * @param batchSize   jobs per batch (one {@code Jobs()} request)
     * @param batchWindow how long a partial batch waits for more due jobs
     * @param maxInFlight how many jobs may be in checks at once (batches in flight x batch size)
     * @param stuckAfter  a job whose check has not ended after this long is taken to be lost (a thread
     *                    that never came back, not even through {@link #handBack}) and becomes due again
     */
    public JobSchedule(Duration interval, int batchSize, Duration batchWindow, int maxInFlight, Duration stuckAfter,
                       LongSupplier nanoClock) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        this.intervalNanos = interval.toNanos();
        this.batchSize = batchSize;
        this.batchWindowNanos = batchWindow.toNanos();
        this.maxInFlight = Math.max(maxInFlight, batchSize);
        this.stuckNanos = stuckAfter.toNanos();
        this.nanoClock = nanoClock;
    }

    /** This instance's name on the records it writes. */
    public String instance() {
        return instance;
    }

    // --- fed by TrackingStore, on its consumer thread ---

    /** Kafka assigned these partitions: their jobs are read from the beginning before any is checked. */
    public synchronized void assigned(Collection<Integer> assigned) {
        assigned.forEach(p -> partitions.put(p, false));
    }

    /** Every record of the partition up to its end at assignment has been applied: its jobs are due now. */
    public synchronized void restored(int partition) {
        if (partitions.replace(partition, true) == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        for (Entry entry : jobs.values()) {
            if (entry.partition == partition && !inFlight.containsKey(entry)) {
                queue(entry, now);
            }
        }
    }

    /** The partitions went to another instance (or were lost): their jobs are no longer ours. */
    public synchronized void revoked(Collection<Integer> revoked) {
        revoked.forEach(partitions::remove);
        for (Iterator<Entry> it = jobs.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (revoked.contains(entry.partition)) {
                it.remove();
                entry.removed = true;
                inFlight.remove(entry);
            }
        }
    }

    /**
     * A record of the tracking topic, in offset order: null value = tracking ended (a tombstone).
     * A request for a job already known keeps what is known (a job ID sent twice is one tracked job),
     * and marks the job's record to be written again at its next check, so that the topic's latest
     * value is not the bare request. Once a partition is restored, the records this instance's checks
     * wrote are skipped when read back: its memory is as new as they are, or newer.
     */
    public synchronized void apply(int partition, String jobId, TrackedJob value) {
        Boolean restored = partitions.get(partition);
        if (restored == null || jobId == null) {
            return;
        }
        Entry entry = jobs.get(jobId);
        if (value == null) {
            if (entry != null) {
                remove(entry);
            }
            return;
        }
        if (restored && !value.isRequest() && instance.equals(value.writer())) {
            return;
        }
        if (entry == null) {
            entry = new Entry(value, partition);
            jobs.put(jobId, entry);
            if (restored) {
                queue(entry, nanoClock.getAsLong());
            }
        } else if (value.isRequest()) {
            entry.rewrite = !entry.job.isRequest();
        } else {
            entry.job = value;
            entry.rewrite = false;
        }
    }

    // --- used by the check routes ---

    /**
     * The jobs due now, in batches of at most the batch size, within the in-flight limit. Each job
     * taken is in its check until it comes back through checked, retryLater or stopped.
     */
    public synchronized List<List<TrackedJob>> takeDue() {
        long now = nanoClock.getAsLong();
        reclaimStuck(now);
        // whole batches only: while the schedule is behind, room for 310 jobs would send 15 full batches
        // and a request for 10 (0.054 requests per check measured, docs/benchmarks.md)
        int room = (maxInFlight - inFlight.size()) / batchSize * batchSize;
        List<Entry> due = new ArrayList<>();
        takeDue(firstChecks, due, room, now);
        takeDue(waiting, due, room, now);
        int partial = due.size() % batchSize;
        if (partial > 0 && now - due.get(due.size() - partial).dueAt < batchWindowNanos && due.size() < room) {
            // too few for a batch yet: wait for the window, for more to come due
            for (Entry entry : due.subList(due.size() - partial, due.size())) {
                queue(entry, entry.dueAt);
            }
            due = due.subList(0, due.size() - partial);
        }
        List<List<TrackedJob>> batches = new ArrayList<>((due.size() + batchSize - 1) / batchSize);
        List<TrackedJob> batch = null;
        Take take = null;
        for (Entry entry : due) {
            if (batch == null || batch.size() == batchSize) {
                batch = new ArrayList<>(batchSize);
                batches.add(batch);
                take = new Take(now, batch);
            }
            batch.add(entry.job);
            entry.dueAt = Long.MIN_VALUE;
            inFlight.put(entry, take);
        }
        if (!batches.isEmpty()) {
            LOG.debug("{} jobs due in {} batches", due.size(), batches.size());
        }
        return batches;
    }

    /**
     * Whether the job's record must be written after a check: what the check learned differs from
     * what was known, or a request for the job was read since its record was last written.
     */
    public synchronized boolean isWorthWriting(TrackedJob before, TrackedJob after) {
        Entry entry = jobs.get(after.jobId());
        return after.differsFrom(before) || (entry != null && entry.rewrite);
    }

    /** The tracking record's value, as this instance writes it. */
    public byte[] record(TrackedJob job) throws JsonProcessingException {
        return records.write(job, instance);
    }

    /** Reads a tracking record's value alone (its key unchecked); one that fails the checks is null. */
    public TrackedJob read(byte[] value) {
        TrackingRecords.Read read = records.readValue(value);
        return read.skipped() == null ? read.job() : null;
    }

    /** How the records of the tracking topic are read and checked (and counted when skipped). */
    public TrackingRecords records() {
        return records;
    }

    /**
     * Ends the checks of a batch that found nothing new, in one step: each job {@code unchanged}
     * accepts (given whether a rewrite of its record is pending) is due again one interval from now
     * and its check is counted by state. Returns the other observations, in order.
     */
    public synchronized List<Observation> settle(List<Observation> observations, BiPredicate<Observation, Boolean> unchanged) {
        List<Observation> others = new ArrayList<>();
        for (Observation observation : observations) {
            Entry entry = jobs.get(observation.jobId());
            if (entry == null || !unchanged.test(observation, entry.rewrite)) {
                others.add(observation);
            } else {
                countCheck(observation.state().name());
                dueAgain(entry);
            }
        }
        return others;
    }

    /** One more check of a job with this outcome (a state's name, not_found, unknown), for the metrics. */
    public void countCheck(String outcome) {
        checksByOutcome.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** How many checks had this outcome since the start (settled here or routed through check-job). */
    public long checks(String outcome) {
        LongAdder count = checksByOutcome.get(outcome);
        return count == null ? 0 : count.sum();
    }

    /** The job's check is over: remember what it learned, next check one interval from now. */
    public synchronized void checked(TrackedJob job) {
        Entry entry = jobs.get(job.jobId());
        if (entry != null) {
            entry.job = job;
            entry.rewrite = false;
            dueAgain(entry);
        }
    }

    /** The job's check failed: same job, next check one interval from now. */
    public synchronized void retryLater(TrackedJob job) {
        if (job != null) {
            Entry entry = jobs.get(job.jobId());
            if (entry != null) {
                dueAgain(entry);
            }
        }
    }

    /** Every job of a batch whose request failed: next check one interval from now. */
    public synchronized void retryLater(List<TrackedJob> batch) {
        if (batch != null) {
            batch.forEach(this::retryLater);
        }
    }

    /**
     * A check failed: the job it was about, or, when the batch's request failed before any job's
     * own check began, every job of the batch, is due again one interval from now.
     */
    public synchronized void checkFailed(TrackedJob tracked, List<TrackedJob> batch) {
        List<TrackedJob> failed = failedJobs(tracked, batch);
        failedChecks += failed.size();
        failed.forEach(this::retryLater);
    }

    /** The jobs a failure is about: the one job being checked, else its whole batch. */
    public List<TrackedJob> failedJobs(TrackedJob tracked, List<TrackedJob> batch) {
        if (tracked != null) {
            return List.of(tracked);
        }
        return batch == null ? List.of() : batch;
    }

    /**
     * Camel cut off the check of this batch (as {@link #takeDue()} handed it out) before each of its
     * jobs came back: a route reload or a stop whose graceful shutdown timed out, which runs no error
     * handler. Each of its jobs still in this check is due again one interval from now, as after a
     * failed check: the check may have reached AMS already, and the next one keeps the interval. The
     * check is not counted (it did not end). A job already back, taken again since, or no longer
     * tracked is left alone, so a batch handed back twice changes nothing; a cut-off thread that still
     * ends its check later finds its job waiting, and only remembers what it learned (see dueAgain).
     *
     * @return how many jobs were handed back
     */
    public synchronized int handBack(List<TrackedJob> batch) {
        if (batch == null) {
            return 0;
        }
        long dueAt = nanoClock.getAsLong() + intervalNanos;
        int handedBack = 0;
        for (TrackedJob job : batch) {
            Entry entry = jobs.get(job.jobId());
            Take take = entry == null ? null : inFlight.get(entry);
            if (take != null && take.batch() == batch) {
                inFlight.remove(entry);
                queue(entry, dueAt);
                handedBack++;
            }
        }
        if (handedBack > 0) {
            LOG.info("The check of {} jobs was cut off by a stop; they are due again in {} ms", handedBack, intervalNanos / 1_000_000);
        }
        return handedBack;
    }

    /** Tracking of the job ended (final, dead-lettered, expired); its tombstone is written. */
    public synchronized void stopped(String jobId) {
        Entry entry = jobs.get(jobId);
        if (entry != null) {
            remove(entry);
        }
    }

    /** How many jobs this instance tracks now. */
    public synchronized int size() {
        return jobs.size();
    }

    /** How many of this instance's partitions are still being restored. */
    public synchronized long partitionsRestoring() {
        return partitions.values().stream().filter(restored -> !restored).count();
    }

    /** How many checks of a job failed (AMS or Entra ID did not answer usefully) since the start. */
    public synchronized long failedChecks() {
        return failedChecks;
    }

    /** How many checks of the job have ended here (answered or failed); 0 for a job not tracked here. */
    public synchronized int checksOf(String jobId) {
        Entry entry = jobs.get(jobId);
        return entry == null ? 0 : entry.checks;
    }

    /** How many jobs are in a check now. */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    // --- read by the metrics (observe/MonitorMetrics) ---

    /**
     * How late the most overdue job waiting for its check is, on the schedule's clock: 0 when no job
     * is past its due time. Jobs in a check, or of a partition still restoring, wait for nothing here.
     */
    public synchronized long oldestOverdueNanos() {
        long oldest = Math.min(earliestDue(firstChecks), earliestDue(waiting));
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nanoClock.getAsLong() - oldest);
    }

    /**
     * The jobs tracked here by the state last published for them; {@link #NOT_SEEN} for those whose
     * state is not known yet. The one count by state: the metrics and {@link #summary} (the job lookup)
     * read it. One pass over the jobs: meant for a scrape, not for every check.
     */
    public synchronized Map<String, Integer> countByState() {
        Map<String, Integer> counts = new HashMap<>();
        for (Entry entry : jobs.values()) {
            String state = entry.job.lastState();
            counts.merge(state == null ? NOT_SEEN : state, 1, Integer::sum);
        }
        return counts;
    }

    /** The time between two checks of a job (monitor.poll.interval). */
    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * The {@link #countByState()} key of jobs no check has seen a state of yet; also the
     * {@code monitor_jobs_by_state} label value (docs/operating.md, the Grafana dashboard).
     */
    public static final String NOT_SEEN = "not_seen";

    private static long earliestDue(PriorityQueue<Slot> queue) {
        // slots that takeDue would skip (job rescheduled or gone) are dropped: the head is then a real due time
        while (!queue.isEmpty() && !queue.peek().isCurrent()) {
            queue.poll();
        }
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().dueAt();
    }

    private void dueAgain(Entry entry) {
        entry.checks++;
        // a check that ended after it was handed back or given up for lost: the job is waiting already
        if (inFlight.remove(entry) != null) {
            queue(entry, nanoClock.getAsLong() + intervalNanos);
        }
    }

    private void queue(Entry entry, long dueAt) {
        entry.dueAt = dueAt;
        (entry.job.isRequest() ? firstChecks : waiting).add(new Slot(dueAt, entry));
    }

    private static void takeDue(PriorityQueue<Slot> queue, List<Entry> due, int room, long now) {
        while (due.size() < room && !queue.isEmpty() && queue.peek().dueAt() <= now) {
            Slot slot = queue.poll();
            if (slot.isCurrent()) {
                due.add(slot.entry());
            }
        }
    }

    private void remove(Entry entry) {
        jobs.remove(entry.job.jobId());
        entry.removed = true;
        inFlight.remove(entry);
    }

    private void reclaimStuck(long now) {
        for (Iterator<Map.Entry<Entry, Take>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Entry, Take> taken = it.next();
            if (now - taken.getValue().takenAt() < stuckNanos) {
                return; // in order of taking: the rest are younger
            }
            it.remove();
            Entry entry = taken.getKey();
            LOG.warn("The check of {} did not end within {} s; it is due again", entry.job.jobId(), stuckNanos / 1_000_000_000);
            queue(entry, now);
        }
    }

    // --- capacity (monitor.tracking.max-jobs, see TrackingCapacity) ---

    /** Whether the job is tracked here now. */
    public synchronized boolean tracks(String jobId) {
        return jobId != null && jobs.containsKey(jobId);
    }

    /**
     * A partition whose reading pauses before its restore reached the end (the rest did not fit,
     * {@link TrackingCapacity}): the jobs read so far are checked now, and what is read later when
     * room frees is applied as new records are.
     */
    public synchronized void restoredSoFar(int partition) {
        restored(partition);
    }

    /** The tracking partitions this instance owns (restored or not), in order. */
    public synchronized List<Integer> partitionsOwned() {
        return partitions.keySet().stream().sorted().toList();
    }

    /** One tracked job; {@code dueAt} is Long.MIN_VALUE while it is in a check. */
    private static final class Entry {
        TrackedJob job;
        final int partition;
        long dueAt = Long.MIN_VALUE;
        int checks;
        boolean rewrite;
        boolean removed;

        Entry(TrackedJob job, int partition) {
            this.job = job;
            this.partition = partition;
        }
    }

    /** A job's current check: when it was taken, and the batch it left in (the very list takeDue returned). */
    private record Take(long takenAt, List<TrackedJob> batch) {
    }

    /**
     * A place in the waiting queue. Entries are not moved inside the queue (a heap must not see its
     * keys change): a new due time adds a slot, and a slot whose time is no longer its entry's is skipped.
     */
    private record Slot(long dueAt, Entry entry) {
        boolean isCurrent() {
            return !entry.removed && entry.dueAt == dueAt;
        }
    }

    // --- read by the job lookup (observe/JobLookup): snapshots, nothing changed ---

    /**
     * What this instance knows of one tracked job, at one moment. Times are relative to that moment:
     * {@code untilNextCheck} is negative for a job overdue, null while the job is in a check or its
     * partition is restoring; {@code sinceLastCheck} is null before its first check (derived: the
     * schedule sets a job's next check one interval after its last one ended).
     */
    public record JobSnapshot(TrackedJob job, int partition, boolean restoring, boolean inCheck, int checks,
                              Duration sinceLastCheck, Duration untilNextCheck) {
    }

    /**
     * Counts by state, as {@link #countByState()} (in name order), and the {@code overdueLimit} jobs whose check is
     * most overdue, most first.
     */
    public record Summary(int jobs, Map<String, Integer> byState, List<JobSnapshot> mostOverdue, List<Integer> partitions,
                          long partitionsRestoring) {
    }

    /** The job as this instance tracks it now, or null when it does not track it. */
    public synchronized JobSnapshot snapshot(String jobId) {
        Entry entry = jobs.get(jobId);
        return entry == null ? null : snapshot(entry, nanoClock.getAsLong());
    }

    /** Counts by state and the most overdue jobs, at one moment. */
    public synchronized Summary summary(int overdueLimit) {
        long now = nanoClock.getAsLong();
        Map<String, Integer> byState = new TreeMap<>(countByState());
        // the most overdue kept in a bounded heap, least overdue on top
        PriorityQueue<Entry> overdue = new PriorityQueue<>(Comparator.comparingLong((Entry e) -> e.dueAt).reversed());
        for (Entry entry : jobs.values()) {
            if (isWaiting(entry) && entry.dueAt < now) {
                overdue.add(entry);
                if (overdue.size() > overdueLimit) {
                    overdue.poll();
                }
            }
        }
        List<JobSnapshot> most = new ArrayList<>(overdue.size());
        while (!overdue.isEmpty()) {
            most.add(0, snapshot(overdue.poll(), now));
        }
        return new Summary(jobs.size(), byState, most, partitions.keySet().stream().sorted().toList(), partitionsRestoring());
    }

    private boolean isWaiting(Entry entry) {
        return entry.dueAt != Long.MIN_VALUE && !inFlight.containsKey(entry)
                && Boolean.TRUE.equals(partitions.get(entry.partition));
    }

    private JobSnapshot snapshot(Entry entry, long now) {
        boolean waiting = isWaiting(entry);
        Duration untilNext = waiting ? Duration.ofNanos(entry.dueAt - now) : null;
        Duration sinceLast = waiting && entry.checks > 0 ? Duration.ofNanos(now - (entry.dueAt - intervalNanos)) : null;
        return new JobSnapshot(entry.job, entry.partition, !Boolean.TRUE.equals(partitions.get(entry.partition)),
                inFlight.containsKey(entry), entry.checks, sinceLast, untilNext);
    }
}
