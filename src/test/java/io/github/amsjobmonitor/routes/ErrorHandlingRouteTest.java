package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsAnswerInvalidException;
import io.github.amsjobmonitor.ams.AmsPausedException;
import io.github.amsjobmonitor.ams.AmsUnavailableException;
import io.github.amsjobmonitor.auth.TokenUnavailableException;
import io.github.amsjobmonitor.tracking.TrackedJob;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * routes/check-errors.camel.yaml, the error handling of the check routes: whatever fails,
 * a check keeps its job (back in the real schedule, due one interval later, nothing in flight);
 * AMS being unavailable (after the AMS call's own retries) is not asked again, an unreadable answer is counted per job.
 */
class ErrorHandlingRouteTest extends RouteTestSupport {

    private static final int QUEUED = 0;

    @Test
    void should_guard_intake_and_the_checks_each_with_its_own_route_configuration() {
        Map<String, String> configurationOf = ((org.apache.camel.model.ModelCamelContext) context).getRouteDefinitions().stream()
                .filter(route -> route.getRouteConfigurationId() != null)
                .collect(Collectors.toMap(route -> route.getRouteId(), route -> route.getRouteConfigurationId()));
        assertEquals("intake-errors", configurationOf.get("intake"));
        assertEquals("intake-errors", configurationOf.get("dead-letter-input"));
        for (String route : List.of("check", "check-batch", "check-job", "publish-final", "job-in-progress", "job-not-found",
                "publish-status", "publish-progress", "remember-job", "stop-tracking", "dead-letter-job")) {
            assertEquals("check-errors", configurationOf.get(route), route);
        }
        assertTrue(((org.apache.camel.model.ModelCamelContext) context).getRouteConfigurationDefinitions().stream()
                .noneMatch(configuration -> "error-handling".equals(configuration.getId())), "the two-meaning configuration is gone");
    }

    @Test
    void should_not_redeliver_inside_a_check_so_that_camel_copies_no_exchange_before_each_step() {
        // any handler with redeliveries makes Camel's error handler copy the exchange before every step it guards
        var checkErrors = ((org.apache.camel.model.ModelCamelContext) context).getRouteConfigurationDefinitions().stream()
                .filter(configuration -> "check-errors".equals(configuration.getId())).findFirst().orElseThrow();
        for (var handler : checkErrors.getOnExceptions()) {
            var policy = handler.getRedeliveryPolicyType();
            String redeliveries = policy == null || policy.getMaximumRedeliveries() == null ? "0"
                    : context.resolvePropertyPlaceholders(policy.getMaximumRedeliveries());
            assertEquals("0", redeliveries, handler.getId() + " redelivers");
        }
    }

    static Stream<Arguments> failuresNotRetried() {
        return Stream.of(
                Arguments.of("AMS asked to wait", (Supplier<RuntimeException>) () -> new AmsPausedException("AMS throttles: 20 s")),
                Arguments.of("the circuit breaker is open", (Supplier<RuntimeException>) () ->
                        CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("ams"))),
                Arguments.of("no token", (Supplier<RuntimeException>) () ->
                        new TokenUnavailableException("Entra ID did not answer", "timeout")),
                Arguments.of("a bug", (Supplier<RuntimeException>) () -> new IllegalStateException("unexpected")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failuresNotRetried")
    void should_put_every_job_back_in_the_schedule_when_the_request_cannot_be_made(String why, Supplier<RuntimeException> failure) {
        List<String> ids = List.of(newJobId(), newJobId(), newJobId());
        track(ids.stream().map(id -> seenIn(id, "Processing")).toArray(TrackedJob[]::new));
        int tracked = schedule().size();
        amsAnswers = asked -> {
            throw failure.get();
        };

        checkDueJobs(1);

        assertEquals(1, amsRequests.size(), "not sent again at once");
        assertNothingWrittenToKafka();
        assertEquals(tracked, schedule().size(), "every job is still tracked");
        assertEquals(0, schedule().inFlight(), "every job is back in the schedule");
    }

    @Test
    void should_put_every_job_back_in_the_schedule_when_ams_stays_unavailable() {
        List<String> ids = List.of(newJobId(), newJobId());
        track(ids.stream().map(RouteTestSupport::requested).toArray(TrackedJob[]::new));
        int tracked = schedule().size();
        amsAnswers = asked -> {
            throw new AmsUnavailableException("AMS did not answer GET Jobs(): ConnectException");
        };

        checkDueJobs(1);

        // the AMS call has spent its own retries (ams.retry.*, ams/AmsClient): the route does not ask again
        assertEquals(1, amsRequests.size());
        assertNothingWrittenToKafka();
        assertEquals(tracked, schedule().size());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_count_an_unreadable_answer_for_every_job_of_the_batch_and_dead_letter_at_the_maximum() {
        String firstTime = newJobId();
        String thirdTime = newJobId();
        TrackedJob twiceUnreadable = seenIn(thirdTime, "Queued").invalidAnswerOnceMore().invalidAnswerOnceMore();
        track(seenIn(firstTime, "Queued"), twiceUnreadable);
        int tracked = schedule().size();
        amsAnswers = asked -> {
            throw new AmsAnswerInvalidException("the answer is not JSON: '<html>'");
        };

        checkDueJobs(1);

        assertEquals(1, amsRequests.size(), "an unreadable answer is not asked for again at once");
        assertEquals(0, jobStatus().getReceivedCounter());
        Map<String, List<Exchange>> written = tracking().getReceivedExchanges().stream()
                .collect(Collectors.groupingBy(RouteTestSupport::key));
        assertEquals(1, trackingValue(written.get(firstTime).get(0)).invalidAnswers());
        // monitor.not-found.max-attempts = 3
        assertEquals(1, deadLetter().getReceivedCounter());
        Exchange dead = deadLetter().getReceivedExchanges().get(0);
        assertEquals(thirdTime, key(dead));
        assertEquals("AMS_ANSWER_INVALID", dead.getMessage().getHeader("monitor-error-code"));
        String reason = dead.getMessage().getHeader("monitor-error-reason", String.class);
        assertTrue(reason.contains("3 checks") && reason.contains("the answer is not JSON"), reason);
        assertNull(written.get(thirdTime).get(0).getMessage().getBody(), "its tracking ends with a tombstone");
        assertEquals(tracked - 1, schedule().size());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_put_a_job_back_when_its_tracking_write_fails() {
        String jobId = newJobId();
        track(requested(jobId));
        int tracked = schedule().size();
        amsAnswers = asked -> page(amsJob(jobId, QUEUED));
        tracking().whenAnyExchangeReceived(write -> {
            throw new KafkaException("broker away");
        });

        checkDueJobs(1);

        // the Kafka producer has retried already: the next check, one interval later, writes again
        assertEquals(1, tracking().getReceivedCounter(), "a check does not redeliver the write itself");
        assertEquals(tracked, schedule().size(), "the job is still tracked");
        assertEquals(0, schedule().inFlight(), "the job is back in the schedule");
    }
}
