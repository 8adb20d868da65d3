package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsRefusedException;
import io.github.amsjobmonitor.ams.AmsUnavailableException;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * routes/check-batch.camel.yaml (fed by one tick of routes/check.camel.yaml): one Jobs() request
 * for the due jobs of a batch, expired jobs dead-lettered without being asked for, each job's own
 * check afterwards; a failed request keeps every job of the batch.
 */
class CheckBatchRouteTest extends RouteTestSupport {

    private static final int QUEUED = 0;

    @Test
    void should_ask_ams_once_for_every_job_of_a_batch() throws Exception {
        List<String> ids = List.of(newJobId(), newJobId(), newJobId());
        track(ids.stream().map(RouteTestSupport::requested).toArray(TrackedJob[]::new));
        int tracked = schedule().size();
        amsAnswers = asked -> new JobsPage(asked.stream().map(id -> amsJob(id, QUEUED)).toList());

        checkDueJobs(1);

        assertEquals(1, amsRequests.size(), "one request for the batch");
        assertEquals(Set.copyOf(ids), Set.copyOf(amsRequests.get(0)));
        assertEquals(Set.copyOf(ids), keys(jobStatus().getReceivedExchanges()), "each job's first state is published");
        for (Exchange status : jobStatus().getReceivedExchanges()) {
            assertEquals("Queued", eventData(status).get("state").asText());
        }
        assertEquals(Set.copyOf(ids), keys(tracking().getReceivedExchanges()), "each job's record is written");
        assertEquals(tracked, schedule().size());
        assertEquals(0, schedule().inFlight(), "every job is waiting for its next check");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"unavailable (after the call's own retries), 1", "refused, 1"})
    void should_put_every_job_of_the_batch_back_and_publish_nothing_when_its_request_fails(String failure, int requests) {
        List<String> ids = List.of(newJobId(), newJobId());
        track(ids.stream().map(id -> seenIn(id, "Processing")).toArray(TrackedJob[]::new));
        int tracked = schedule().size();
        amsAnswers = asked -> {
            throw failure.startsWith("unavailable") ? new AmsUnavailableException("AMS answered HTTP 503")
                    : new AmsRefusedException("AMS answered HTTP 403 to GET Jobs()");
        };

        checkDueJobs(1);

        assertEquals(requests, amsRequests.size());
        amsRequests.forEach(asked -> assertEquals(Set.copyOf(ids), Set.copyOf(asked)));
        assertNothingWrittenToKafka();
        assertEquals(tracked, schedule().size(), "every job is still tracked");
        assertEquals(0, schedule().inFlight(), "every job is back in the schedule");
    }

    @Test
    void should_dead_letter_an_expired_job_without_asking_ams_about_it() throws Exception {
        String expiredId = newJobId();
        String freshId = newJobId();
        // monitor.tracking.max-duration = 48h
        TrackedJob expired = new TrackedJob(expiredId, "old", "Processing", null, Map.of(),
                Instant.now().minus(Duration.ofHours(49)), 0, null, null, null, 0, TrackedJob.FROM_CHECK, null);
        track(expired, seenIn(freshId, "Queued"));
        int tracked = schedule().size();
        amsAnswers = asked -> page(amsJob(freshId, QUEUED));

        checkDueJobs(1);

        assertEquals(List.of(List.of(freshId)), amsRequests, "only the unexpired job is asked for");
        assertEquals(1, deadLetter().getReceivedCounter());
        Exchange dead = deadLetter().getReceivedExchanges().get(0);
        assertEquals(expiredId, key(dead));
        assertEquals("TRACKING_EXPIRED", dead.getMessage().getHeader("monitor-error-code"));
        assertEquals("Processing", dead.getMessage().getHeader("monitor-last-state"));
        assertTrue(dead.getMessage().getHeader("monitor-error-reason", String.class).contains("still Processing after PT48H"));
        assertEquals(expiredId, new String(dead.getMessage().getBody(byte[].class)));
        Exchange tombstone = tracking().getReceivedExchanges().stream().filter(r -> key(r).equals(expiredId)).findFirst().orElseThrow();
        assertNull(tombstone.getMessage().getBody());
        assertEquals(0, jobStatus().getReceivedCounter(), "the unexpired job's state did not change");
        assertEquals(tracked - 1, schedule().size(), "the expired job is no longer tracked");
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_not_ask_ams_when_every_job_of_the_batch_expired() {
        String expiredId = newJobId();
        track(new TrackedJob(expiredId, null, null, null, Map.of(), Instant.now().minus(Duration.ofDays(3)), 0,
                null, null, null, 0, TrackedJob.FROM_INTAKE, null));

        checkDueJobs(1);

        assertEquals(List.of(), amsRequests);
        assertEquals(1, deadLetter().getReceivedCounter());
        assertEquals("TRACKING_EXPIRED", deadLetter().getReceivedExchanges().get(0).getMessage().getHeader("monitor-error-code"));
    }

    @Test
    void should_check_the_other_jobs_of_a_batch_when_one_comes_without_state() throws Exception {
        String withoutState = newJobId();
        String queued = newJobId();
        track(seenIn(withoutState, "Queued"), requested(queued));
        int tracked = schedule().size();
        amsAnswers = asked -> page(amsJob(withoutState, null), amsJob(queued, QUEUED));

        checkDueJobs(1);

        assertEquals(1, amsRequests.size());
        assertEquals(Set.of(queued), keys(jobStatus().getReceivedExchanges()));
        Map<String, TrackedJob> written = tracking().getReceivedExchanges().stream()
                .collect(Collectors.toMap(RouteTestSupport::key, this::trackingValue));
        assertEquals(Set.of(withoutState, queued), written.keySet());
        assertEquals(1, written.get(withoutState).invalidAnswers(), "the unreadable answer is counted");
        assertEquals("Queued", written.get(withoutState).lastState());
        assertEquals("Queued", written.get(queued).lastState());
        assertEquals(tracked, schedule().size());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_take_a_job_missing_from_the_answer_for_not_found_and_not_fail_the_batch() {
        String missing = newJobId();
        String queued = newJobId();
        track(requested(missing), requested(queued));
        amsAnswers = asked -> page(amsJob(queued, QUEUED));

        checkDueJobs(1);

        assertEquals(Set.of(queued), keys(jobStatus().getReceivedExchanges()));
        TrackedJob notFound = tracking().getReceivedExchanges().stream().filter(r -> key(r).equals(missing))
                .map(this::trackingValue).findFirst().orElseThrow();
        assertEquals(1, notFound.notFoundAttempts());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_settle_the_checks_that_found_nothing_new_without_routing_them_through_check_job() throws Exception {
        String same = newJobId();
        String alsoSame = newJobId();
        String moved = newJobId();
        track(seenIn(same, "Queued"), seenIn(alsoSame, "Scheduled"), seenIn(moved, "Queued"));
        int tracked = schedule().size();
        long queuedChecks = schedule().checks("Queued");
        long scheduledChecks = schedule().checks("Scheduled");
        amsAnswers = asked -> page(amsJob(same, QUEUED), amsJob(alsoSame, 1), amsJob(moved, 1));
        routedThroughCheckJob.clear();

        checkDueJobs(1);

        assertEquals(List.of(moved), routedThroughCheckJob, "only the job whose state changed is an exchange of check-job");
        assertEquals(Set.of(moved), keys(jobStatus().getReceivedExchanges()));
        assertEquals(Set.of(moved), keys(tracking().getReceivedExchanges()), "nothing written for the unchanged jobs");
        assertEquals(queuedChecks + 1, schedule().checks("Queued"), "the settled checks are counted by state");
        assertEquals(scheduledChecks + 1, schedule().checks("Scheduled"), "check-job's own are counted by MonitorMetrics");
        assertEquals(1, schedule().checksOf(same));
        assertEquals(1, schedule().checksOf(alsoSame));
        assertEquals(tracked, schedule().size());
        assertEquals(0, schedule().inFlight(), "every job is waiting for its next check");
    }

    /** The job IDs of the checks that went through check-job, in order (a first step added to the route). */
    private final List<String> routedThroughCheckJob = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected void advise(org.apache.camel.CamelContext camelContext) throws Exception {
        org.apache.camel.builder.AdviceWith.adviceWith(camelContext, "check-job", a -> quiet(a).weaveAddFirst()
                .process(e -> routedThroughCheckJob.add(e.getMessage().getBody(io.github.amsjobmonitor.tracking.Observation.class).jobId())));
    }

    private static Set<String> keys(List<Exchange> records) {
        return records.stream().map(RouteTestSupport::key).collect(Collectors.toSet());
    }
}
