package io.github.amsjobmonitor.ams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets the checks of many jobs share one {@code Jobs()} request ({@code Id eq 'a' or Id eq 'b' ...}).
 * <p>
 * Checks run on many threads (one per partition of the checks topic, plus intake), each with one
 * job at a time, so a batch must gather jobs across threads: Camel's aggregator would hand the batch
 * to another thread and need a way back to each waiting exchange, which is what this class does in a
 * few lines. The first caller of a new batch leads it: it waits until the batch is full or the window
 * has passed, then sends the request on its own thread (no pool of its own) and hands every caller
 * its job's part of the answer. A failed request fails every caller of the batch, each of which then
 * keeps its job tracked through its own error handling.
 * <p>
 * A batch is full with {@code maxJobs} jobs, or as soon as every thread that checked a job in the
 * last second has joined it: each thread has one check at a time, so no one else can come, and
 * waiting out the window would only slow every thread down (with 12 threads and a 50 ms window, to
 * about 12 checks per 50 ms however fast AMS answers).
 */
public class BatchedJobLookup {

    /** URLs of this length or more are refused by some proxies and servers: a batch stays below it. */
    public static final int MAX_URL_LENGTH = 2000;

    // every valid job ID has the same length and the same characters to escape, so the URL length of
    // n IDs does not depend on which IDs they are: measured once with this one
    private static final String SAMPLE_ID = "nb:jid:UUID:00000000-0000-0000-0000-000000000000";

    /** Sends one {@code Jobs()} request for these distinct job IDs and returns AMS's answer. */
    @FunctionalInterface
    public interface JobsRequest {
        JobsPage send(List<String> jobIds) throws Exception;
    }

    private final JobsRequest request;
    private final int capacity;
    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private Batch open; // the batch new callers join; guarded by lock
    private final CheckingThreads checkingThreads; // guarded by lock

    /**
     * @param jobsUrl the URL the query is appended to ({@code <api>/Jobs()}), for the URL length
     * @param maxJobs at most this many distinct jobs per request (fewer when the URL would be too long)
     * @param window  how long a batch waits for more jobs after its first one
     */
    public BatchedJobLookup(JobsRequest request, JobQuery query, String jobsUrl, int maxJobs, Duration window) {
        this(request, query, jobsUrl, maxJobs, window, new RecentThreads());
    }

    BatchedJobLookup(JobsRequest request, JobQuery query, String jobsUrl, int maxJobs, Duration window,
                     CheckingThreads checkingThreads) {
        this.checkingThreads = checkingThreads;
        if (maxJobs < 1) {
            throw new IllegalArgumentException("monitor.batch.max-jobs must be at least 1, got " + maxJobs);
        }
        this.request = request;
        this.capacity = capacity(query, jobsUrl, maxJobs);
        this.windowNanos = window.toNanos();
    }

    /** The most distinct jobs one request carries: {@code maxJobs}, or fewer if the URL would reach {@value #MAX_URL_LENGTH} characters. */
    public int capacity() {
        return capacity;
    }

    /**
     * The answer of AMS for this one job: a page holding the job, or an empty page when AMS does not
     * know it. Blocks until the job's batch is answered.
     *
     * @throws Exception the failure of the batch's request, as the request threw it
     */
    public JobsPage lookup(String jobId) throws Exception {
        return lookup(jobId, false);
    }

    /**
     * As {@link #lookup(String)}, or, with {@code atOnce}, in a request of its own sent at once. Intake
     * checks a new job at once: it reads its records one at a time on one thread, so it can never fill
     * a batch itself, and waiting for the check threads (up to a window per new job) would slow a burst of new jobs.
     */
    public JobsPage lookup(String jobId, Boolean atOnce) throws Exception {
        if (!JobId.isValid(jobId)) {
            // refused here, for this job only, rather than failing a whole batch when the query is built
            throw new IllegalArgumentException("not an AMS job ID, refused before building a URL");
        }
        if (Boolean.TRUE.equals(atOnce)) {
            return pageFor(jobId, request.send(List.of(jobId)));
        }
        Batch batch;
        boolean leader;
        lock.lock();
        try {
            int checkers = checkingThreads.countWith(Thread.currentThread());
            leader = open == null;
            if (leader) {
                open = new Batch(lock.newCondition());
            }
            batch = open;
            batch.jobIds.add(jobId);
            batch.callers++;
            if (batch.jobIds.size() >= capacity || batch.callers >= checkers) {
                // full: later callers start a new batch, and this one goes at once
                open = null;
                batch.full = true;
                batch.filled.signal();
            }
        } finally {
            lock.unlock();
        }
        if (leader) {
            lead(batch);
        }
        return batch.answerFor(jobId);
    }

    private void lead(Batch batch) {
        List<String> jobIds;
        lock.lock();
        try {
            long left = windowNanos;
            while (!batch.full && left > 0) {
                left = batch.filled.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // stopping: send what there is, so that no caller waits for an answer that never comes
            Thread.currentThread().interrupt();
        } finally {
            if (open == batch) {
                open = null;
            }
            jobIds = List.copyOf(batch.jobIds);
            lock.unlock();
        }
        try {
            batch.answer.complete(request.send(jobIds));
        } catch (Throwable e) {
            batch.answer.completeExceptionally(e);
        }
    }

    /** How many threads check jobs now, the calling one included: a batch joined by all of them is full. */
    @FunctionalInterface
    interface CheckingThreads {
        int countWith(Thread current);
    }

    /** Threads that asked for a job in the last second: each may be expected back soon. Not thread-safe. */
    static final class RecentThreads implements CheckingThreads {
        private static final long SPAN_NANOS = Duration.ofSeconds(1).toNanos();
        private final Map<Thread, Long> lastSeen = new HashMap<>();

        @Override
        public int countWith(Thread current) {
            long now = System.nanoTime();
            lastSeen.put(current, now);
            lastSeen.values().removeIf(at -> now - at > SPAN_NANOS);
            return lastSeen.size();
        }
    }

    /** The part of an answer about one job: the job, or nothing when AMS does not know it. */
    private static JobsPage pageFor(String jobId, JobsPage page) {
        List<AmsJob> jobs = new ArrayList<>(1);
        for (AmsJob job : page.value()) {
            if (jobId.equalsIgnoreCase(job.id())) {
                jobs.add(job);
            }
        }
        return AmsAnswers.requireState(new JobsPage(jobs));
    }

    private static int capacity(JobQuery query, String jobsUrl, int maxJobs) {
        int n = 1;
        while (n < maxJobs && urlLength(query, jobsUrl, n + 1) < MAX_URL_LENGTH) {
            n++;
        }
        return n;
    }

    private static int urlLength(JobQuery query, String jobsUrl, int jobs) {
        return jobsUrl.length() + 1 + query.filterByIds(Collections.nCopies(jobs, SAMPLE_ID)).length();
    }

    /** Jobs checked by one request. A job ID given twice (two checks of one job) is asked for once. */
    private static final class Batch {
        final Set<String> jobIds = new LinkedHashSet<>();
        final Condition filled;
        final CompletableFuture<JobsPage> answer = new CompletableFuture<>();
        int callers;
        boolean full;

        Batch(Condition filled) {
            this.filled = filled;
        }

        JobsPage answerFor(String jobId) throws Exception {
            JobsPage page;
            try {
                page = answer.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw (Error) e.getCause();
            }
            return pageFor(jobId, page);
        }
    }
}
