package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.amsjobmonitor.tracking.Observation;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * routes/check-job.camel.yaml: one job's check, routed on the State AMS answered, with what each
 * branch writes to Kafka and what becomes of the job in the schedule.
 */
class CheckJobRouteTest extends RouteTestSupport {

    private static final int PROCESSING = 2;

    /** Checks the job as check-batch would: the job was taken from the schedule, AMS answered {@code answer}. */
    private Exchange check(TrackedJob job, io.github.amsjobmonitor.ams.JobsPage answer) {
        Observation observation = jobTracker().observe(job, answer);
        Exchange done = template.send("direct:check-job", e -> e.getMessage().setBody(observation));
        assertNull(done.getException(), "the check failed");
        return done;
    }

    @Test
    void should_route_on_state_in_one_choice_without_nested_filters_naming_each_outcome_topic() {
        org.apache.camel.model.RouteDefinition route =
                ((org.apache.camel.model.ModelCamelContext) context).getRouteDefinition("check-job");
        List<org.apache.camel.model.ChoiceDefinition> choices = route.getOutputs().stream()
                .filter(org.apache.camel.model.ChoiceDefinition.class::isInstance)
                .map(org.apache.camel.model.ChoiceDefinition.class::cast).toList();
        assertEquals(1, choices.size(), "one choice");
        org.apache.camel.model.ChoiceDefinition onState = choices.get(0);
        assertEquals("route-on-state", onState.getId());
        List<org.apache.camel.model.ProcessorDefinition<?>> branchSteps = new java.util.ArrayList<>();
        onState.getWhenClauses().forEach(when -> branchSteps.addAll(when.getOutputs()));
        branchSteps.addAll(onState.getOtherwise().getOutputs());
        for (org.apache.camel.model.ProcessorDefinition<?> step : branchSteps) {
            assertFalse(step instanceof org.apache.camel.model.FilterDefinition || step instanceof org.apache.camel.model.ChoiceDefinition,
                    "a branch nests " + step);
        }
        for (String topic : List.of("job-finished", "job-errored", "job-canceled")) {
            assertTrue(branchSteps.stream().anyMatch(step -> step.toString().contains(topic)), "no branch names " + topic);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Finished, 3, job-finished", "Error, 4, job-errored", "Canceled, 5, job-canceled"})
    void should_publish_a_final_state_on_job_status_and_its_outcome_topic_then_stop_tracking(String state, int code,
                                                                                             String outcomeTopic) throws Exception {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Processing");
        trackAndTake(job);
        int tracked = schedule().size();

        check(job, page(amsJob(jobId, code)));

        assertEquals(1, jobStatus().getReceivedCounter());
        Exchange status = jobStatus().getReceivedExchanges().get(0);
        assertEquals(jobId, key(status));
        JsonNode event = eventData(status);
        assertEquals(state, event.get("state").asText());
        assertEquals("Processing", event.get("previousState").asText());
        assertTrue(event.get("final").asBoolean());
        assertEquals("MEDIA-1", event.get("correlationData").get("ticket").asText());

        MockEndpoint outcome = kafka(outcomeTopic);
        assertEquals(1, outcome.getReceivedCounter());
        assertEquals(jobId, key(outcome.getReceivedExchanges().get(0)));
        assertEquals(state, eventData(outcome.getReceivedExchanges().get(0)).get("state").asText());
        for (String other : List.of("job-finished", "job-errored", "job-canceled")) {
            if (!other.equals(outcomeTopic)) {
                assertEquals(0, kafka(other).getReceivedCounter(), other);
            }
        }
        assertTombstoneOnly(jobId);
        assertEquals(tracked - 1, schedule().size(), "the job is still in the schedule");
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_put_the_tasks_error_details_in_an_errored_jobs_final_event() throws Exception {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Processing");
        trackAndTake(job);
        tasksAnswer = """
                {"value":[{"Id":"t1","Name":"Encode","State":4,"Progress":40.0,
                  "ErrorDetails":[{"Code":"ErrorProcessingTask","Message":"The input video stream is corrupt"}]}]}""";

        check(job, page(amsJob(jobId, 4)));

        JsonNode errors = eventData(jobStatus().getReceivedExchanges().get(0)).get("errors");
        assertEquals(1, errors.size());
        assertEquals("ErrorProcessingTask", errors.get(0).get("code").asText());
        assertEquals("Encode", errors.get(0).get("task").asText());
        assertEquals(errors, eventData(kafka("job-errored").getReceivedExchanges().get(0)).get("errors"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Finished, 3", "Error, 4", "Canceled, 5"})
    void should_publish_nothing_for_a_final_state_seen_before_but_still_stop_tracking(String state, int code) {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, state);
        trackAndTake(job);
        int tracked = schedule().size();

        check(job, page(amsJob(jobId, code)));

        assertEquals(0, jobStatus().getReceivedCounter());
        for (String outcome : List.of("job-finished", "job-errored", "job-canceled")) {
            assertEquals(0, kafka(outcome).getReceivedCounter(), outcome);
        }
        assertTombstoneOnly(jobId);
        assertEquals(tracked - 1, schedule().size());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_publish_a_processing_job_and_write_its_record_only_when_something_changed() throws Exception {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Queued");
        trackAndTake(job);
        int tracked = schedule().size();
        tasksAnswer = "{\"value\":[{\"Id\":\"t1\",\"Name\":\"Encode\",\"State\":2,\"Progress\":40.0}]}";

        check(job, page(amsJob(jobId, PROCESSING)));

        assertEquals(1, jobStatus().getReceivedCounter());
        JsonNode event = eventData(jobStatus().getReceivedExchanges().get(0));
        assertEquals("Queued", event.get("previousState").asText());
        assertEquals("Processing", event.get("state").asText());
        assertEquals(40.0, event.get("progress").asDouble());
        assertEquals(1, kafka("job-progress").getReceivedCounter(), "the first progress reading is published");
        assertEquals(1, tracking().getReceivedCounter());
        Exchange write = tracking().getReceivedExchanges().get(0);
        assertEquals(jobId, key(write));
        TrackedJob remembered = trackingValue(write);
        assertEquals("Processing", remembered.lastState());
        assertEquals(40.0, remembered.lastProgress());
        assertEquals(schedule().instance(), remembered.writer());
        assertEquals(tracked, schedule().size(), "the job is still tracked");
        assertEquals(0, schedule().inFlight(), "the job is waiting for its next check");

        // the next check sees the same state and the same progress: not a single record
        MockEndpoint.resetMocks(context);
        check(remembered, page(amsJob(jobId, PROCESSING)));

        assertNothingWrittenToKafka();
        assertEquals(tracked, schedule().size());
    }

    @Test
    void should_write_the_record_of_a_job_sent_again_at_its_next_check_even_when_nothing_changed() {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Processing");
        trackAndTake(job);
        // the job ID comes again on job-ids: the latest record on the tracking topic is now the bare request
        schedule().apply(0, jobId, requested(jobId));

        check(job, page(amsJob(jobId, PROCESSING)));

        assertEquals(0, jobStatus().getReceivedCounter(), "the state did not change");
        assertEquals(1, tracking().getReceivedCounter(), "what is known replaces the request on the topic");
        TrackedJob written = trackingValue(tracking().getReceivedExchanges().get(0));
        assertEquals("Processing", written.lastState());
        assertFalse(written.isRequest());

        MockEndpoint.resetMocks(context);
        check(written, page(amsJob(jobId, PROCESSING)));

        assertNothingWrittenToKafka();
    }

    @Test
    void should_publish_the_state_without_progress_when_the_tasks_cannot_be_read() throws Exception {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Scheduled");
        trackAndTake(job);
        tasksAnswer = "<html>busy</html>";

        check(job, page(amsJob(jobId, PROCESSING)));

        assertEquals(1, jobStatus().getReceivedCounter());
        JsonNode event = eventData(jobStatus().getReceivedExchanges().get(0));
        assertEquals("Processing", event.get("state").asText());
        assertTrue(event.path("progress").isMissingNode() || event.get("progress").isNull(), event.toString());
        assertEquals(0, kafka("job-progress").getReceivedCounter());
        assertEquals("Processing", trackingValue(tracking().getReceivedExchanges().get(0)).lastState());
        assertEquals(0, schedule().inFlight());
    }

    @Test
    void should_count_a_job_ams_does_not_know_and_dead_letter_it_at_the_maximum_attempts() {
        String jobId = newJobId();
        TrackedJob job = requested(jobId);
        trackAndTake(job);
        int tracked = schedule().size();

        // monitor.not-found.max-attempts = 3 in these tests
        check(job, page());
        TrackedJob once = trackingValue(tracking().getReceivedExchanges().get(0));
        assertEquals(1, once.notFoundAttempts());
        MockEndpoint.resetMocks(context);
        check(once, page());
        TrackedJob twice = trackingValue(tracking().getReceivedExchanges().get(0));
        assertEquals(2, twice.notFoundAttempts());
        assertEquals(0, deadLetter().getReceivedCounter());
        assertEquals(0, jobStatus().getReceivedCounter());
        assertEquals(tracked, schedule().size());

        MockEndpoint.resetMocks(context);
        check(twice, page());

        assertEquals(1, deadLetter().getReceivedCounter());
        Exchange dead = deadLetter().getReceivedExchanges().get(0);
        assertEquals(jobId, key(dead));
        assertEquals("JOB_NOT_FOUND", dead.getMessage().getHeader("monitor-error-code"));
        assertTrue(dead.getMessage().getHeader("monitor-error-reason", String.class).contains("not found in 3 checks"));
        assertEquals("{\"jobId\":\"" + jobId + "\",\"correlationData\":{\"ticket\":\"MEDIA-1\"}}",
                new String(dead.getMessage().getBody(byte[].class)), "the request, rebuilt from what the job keeps");
        assertEquals(0, jobStatus().getReceivedCounter());
        assertTombstoneOnly(jobId);
        assertEquals(tracked - 1, schedule().size());
    }

    @Test
    void should_keep_checking_a_job_in_a_state_this_version_does_not_know() {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Processing");
        trackAndTake(job);
        int tracked = schedule().size();

        check(job, page(amsJob(jobId, 9)));

        assertNothingWrittenToKafka();
        assertEquals(tracked, schedule().size(), "the job is still tracked");
        assertEquals(0, schedule().inFlight(), "the job is waiting for its next check");
    }

    @Test
    void should_fail_only_its_own_check_when_a_job_comes_without_state() {
        String jobId = newJobId();
        TrackedJob job = seenIn(jobId, "Processing");
        trackAndTake(job);
        int tracked = schedule().size();

        Exchange done = check(job, page(amsJob(jobId, null)));

        assertTrue(done.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof io.github.amsjobmonitor.ams.AmsAnswerInvalidException);
        assertEquals(0, jobStatus().getReceivedCounter());
        assertEquals(1, tracking().getReceivedCounter());
        TrackedJob remembered = trackingValue(tracking().getReceivedExchanges().get(0));
        assertEquals(1, remembered.invalidAnswers());
        assertEquals("Processing", remembered.lastState());
        assertEquals(tracked, schedule().size());
        assertEquals(0, schedule().inFlight());
    }

    private void assertTombstoneOnly(String jobId) {
        assertEquals(1, tracking().getReceivedCounter(), "one tracking record: the tombstone");
        Exchange tombstone = tracking().getReceivedExchanges().get(0);
        assertEquals(jobId, key(tombstone));
        assertNull(tombstone.getMessage().getBody(), "a tombstone has no value");
        assertFalse(schedule().inFlight() > 0);
    }
}
