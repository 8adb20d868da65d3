package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescer alone, with a fake request in place of AMS: who waits, how long, and what each caller gets. */
class BatchedJobLookupTest {

    private static final String JOBS_URL = "https://acct.restv2.westeurope.media.azure.net/api/Jobs()";
    private static final Duration LONG_WINDOW = Duration.ofSeconds(30);
    private static final Duration GENEROUS = Duration.ofSeconds(10);
    /** More threads check jobs than any test starts: only max-jobs or the window close a batch. */
    private static final BatchedJobLookup.CheckingThreads MANY_CHECKERS = current -> 1000;

    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService checks = Executors.newCachedThreadPool();

    @AfterEach
    void stopChecks() {
        checks.shutdownNow();
    }

    /** AMS knowing every job asked for, in state Processing. */
    private JobsPage answerAll(List<String> jobIds) {
        requests.add(jobIds);
        return new JobsPage(jobIds.stream().map(BatchedJobLookupTest::processing).toList());
    }

    @Test
    void should_send_a_full_batch_at_once_with_every_job_in_one_request() throws Exception {
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 4, LONG_WINDOW, MANY_CHECKERS);
        List<String> ids = List.of(id(), id(), id(), id());
        long start = System.nanoTime();

        List<Future<JobsPage>> answers = lookupAll(lookup, ids);

        for (int i = 0; i < ids.size(); i++) {
            assertEquals(List.of(ids.get(i)), jobIds(answers.get(i).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        }
        assertTrue(elapsed(start).compareTo(GENEROUS) < 0, "a full batch waited " + elapsed(start));
        assertEquals(1, requests.size());
        assertEquals(ids.size(), requests.get(0).size());
        assertTrue(requests.get(0).containsAll(ids));
    }

    @Test
    void should_send_a_lone_job_after_the_window_and_not_much_later() throws Exception {
        Duration window = Duration.ofMillis(300);
        // another thread checks jobs too, but does not come within the window
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 20, window, current -> 2);
        String lone = id();
        long start = System.nanoTime();

        JobsPage page = lookup.lookup(lone);

        Duration waited = elapsed(start);
        assertEquals(List.of(lone), jobIds(page));
        assertEquals(List.of(List.of(lone)), requests);
        assertTrue(waited.compareTo(window.minusMillis(20)) >= 0, "sent before the window was over: " + waited);
        // bounded generously: the machine running the tests is busy
        assertTrue(waited.compareTo(window.plus(Duration.ofSeconds(5))) < 0, "a lone job waited " + waited);
    }

    @Test
    void should_send_at_once_when_every_thread_checking_jobs_has_joined() throws Exception {
        // the real count: this thread is the only one that asked lately, so nobody else can join
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 20, LONG_WINDOW);
        String lone = id();
        long start = System.nanoTime();

        JobsPage page = lookup.lookup(lone);

        assertEquals(List.of(lone), jobIds(page));
        assertTrue(elapsed(start).compareTo(GENEROUS) < 0, "waited " + elapsed(start) + " with no one else checking");
        assertEquals(List.of(List.of(lone)), requests);
    }

    @Test
    void should_count_the_threads_that_asked_in_the_last_second() throws Exception {
        BatchedJobLookup.RecentThreads recent = new BatchedJobLookup.RecentThreads();
        Thread other = new Thread(() -> { });

        assertEquals(1, recent.countWith(Thread.currentThread()));
        assertEquals(2, recent.countWith(other));
        assertEquals(2, recent.countWith(Thread.currentThread()), "a thread counts once");
    }

    @Test
    void should_hand_a_failed_request_to_every_job_of_the_batch() throws Exception {
        BatchedJobLookup lookup = new BatchedJobLookup(jobIds -> {
            requests.add(jobIds);
            throw new IOException("AMS did not answer");
        }, new JobQuery(), JOBS_URL, 3, LONG_WINDOW, MANY_CHECKERS);

        List<Future<JobsPage>> answers = lookupAll(lookup, List.of(id(), id(), id()));

        for (Future<JobsPage> answer : answers) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> answer.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failure.getCause());
            assertEquals("AMS did not answer", failure.getCause().getMessage());
        }
        assertEquals(1, requests.size());
    }

    @Test
    void should_answer_a_job_unknown_to_ams_with_an_empty_page_and_the_others_with_theirs() throws Exception {
        String known = id();
        String unknown = id();
        BatchedJobLookup lookup = new BatchedJobLookup(jobIds -> {
            requests.add(jobIds);
            return new JobsPage(List.of(processing(known)));
        }, new JobQuery(), JOBS_URL, 2, LONG_WINDOW, MANY_CHECKERS);

        List<Future<JobsPage>> answers = lookupAll(lookup, List.of(known, unknown));

        assertEquals(List.of(known), jobIds(answers.get(0).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(List.of(), jobIds(answers.get(1).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(1, requests.size());
    }

    @Test
    void should_fail_only_the_check_of_a_job_that_came_without_a_state() throws Exception {
        String good = id();
        String stateless = id();
        BatchedJobLookup lookup = new BatchedJobLookup(jobIds -> {
            requests.add(jobIds);
            return new JobsPage(List.of(processing(good),
                    new AmsJob(stateless, "job", "2026-01-01T00:00:00", "2026-01-01T00:00:00", null, null, 0.0, null)));
        }, new JobQuery(), JOBS_URL, 2, LONG_WINDOW, MANY_CHECKERS);

        List<Future<JobsPage>> answers = lookupAll(lookup, List.of(good, stateless));

        assertEquals(List.of(good), jobIds(answers.get(0).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        ExecutionException failure = assertThrows(ExecutionException.class, () -> answers.get(1).get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof AmsAnswerInvalidException, failure.getCause().toString());
        assertEquals(1, requests.size());
    }

    @Test
    void should_ask_once_for_a_job_checked_twice_in_one_batch_and_answer_both_checks() throws Exception {
        String twice = id();
        String other = id();
        // room for more, so the batch goes when its window is over, with the three checks whatever their order
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 20, Duration.ofSeconds(2), MANY_CHECKERS);

        List<Future<JobsPage>> answers = lookupAll(lookup, List.of(twice, twice, other));

        assertEquals(List.of(twice), jobIds(answers.get(0).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(List.of(twice), jobIds(answers.get(1).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(List.of(other), jobIds(answers.get(2).get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
        assertEquals(1, requests.size());
        assertEquals(2, requests.get(0).size(), "distinct IDs: " + requests.get(0));
    }

    @Test
    void should_start_a_new_batch_when_one_is_full() throws Exception {
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 2, LONG_WINDOW, MANY_CHECKERS);

        List<Future<JobsPage>> answers = lookupAll(lookup, List.of(id(), id(), id(), id()));

        for (Future<JobsPage> answer : answers) {
            assertEquals(1, answer.get(GENEROUS.toSeconds(), TimeUnit.SECONDS).value().size());
        }
        assertEquals(List.of(2, 2), requests.stream().map(List::size).toList());
    }

    @Test
    void should_keep_every_request_url_under_2000_characters_whatever_max_jobs_says() {
        JobQuery query = new JobQuery();
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, query, JOBS_URL, 60, LONG_WINDOW, MANY_CHECKERS);

        int capacity = lookup.capacity();

        assertTrue(capacity < 60, "capacity " + capacity);
        assertTrue(url(query, capacity).length() < BatchedJobLookup.MAX_URL_LENGTH);
        assertTrue(url(query, capacity + 1).length() >= BatchedJobLookup.MAX_URL_LENGTH);
        assertEquals(20, new BatchedJobLookup(this::answerAll, query, JOBS_URL, 20, LONG_WINDOW).capacity(),
                "20 IDs fit in a URL of a usual AMS base");
    }

    @Test
    void should_refuse_an_invalid_id_for_its_own_check_only() {
        BatchedJobLookup lookup = new BatchedJobLookup(this::answerAll, new JobQuery(), JOBS_URL, 20, LONG_WINDOW, MANY_CHECKERS);

        assertThrows(IllegalArgumentException.class, () -> lookup.lookup(id() + "' or Id ne '"));
        assertEquals(List.of(), requests);
    }

    private List<Future<JobsPage>> lookupAll(BatchedJobLookup lookup, List<String> ids) {
        List<Future<JobsPage>> answers = new ArrayList<>();
        for (String id : ids) {
            answers.add(checks.submit(() -> lookup.lookup(id)));
        }
        return answers;
    }

    private static String url(JobQuery query, int jobs) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(id());
        }
        return JOBS_URL + "?" + query.filterByIds(ids);
    }

    private static List<String> jobIds(JobsPage page) {
        return page.value().stream().map(AmsJob::id).toList();
    }

    private static AmsJob processing(String id) {
        return new AmsJob(id, "job", "2026-01-01T00:00:00", "2026-01-01T00:00:00", null, null, 0.0, 2);
    }

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
