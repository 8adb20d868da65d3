package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.tracking.JobSchedule;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * routes/check-batch.camel.yaml when Camel cuts a batch off: a stop whose graceful shutdown times out
 * (a route reload, or the monitor stopping under load) interrupts the batch's AMS request and runs no
 * error handler. The batch's jobs come back to the schedule at once, due one interval later, instead
 * of waiting for the schedule's stuck reclaim.
 */
class CutOffCheckRouteTest extends RouteTestSupport {

    @Test
    void should_hand_the_jobs_of_a_cut_off_batch_back_at_once() throws Exception {
        String jobId = newJobId();
        track(requested(jobId));
        CountDownLatch inRequest = new CountDownLatch(1);
        amsAnswers = ids -> {
            inRequest.countDown();
            try {
                new CountDownLatch(1).await(); // AMS never answers: only the forced stop's interrupt ends the wait
            } catch (InterruptedException interrupted) {
                // as the HTTP client fails an interrupted request, late, as under load: once the forced stop
                // has also told the error handlers to stand down (right after the interrupt; no signal to wait on)
                graceAfterForcedStop();
                throw new CancellationException("request cut off");
            }
            throw new AssertionError("not reached");
        };
        JobSchedule schedule = schedule();
        long failedBefore = schedule.failedChecks();

        template.sendBody("direct:due-checks", null);
        assertTrue(inRequest.await(10, TimeUnit.SECONDS), "the batch's request did not start");
        assertEquals(1, schedule.inFlight());
        // shutdown-timeout is 1 s here: the stop is forced
        context.getRouteController().stopRoute("check-batch", 1, TimeUnit.SECONDS);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (schedule.inFlight() > 0) {
            assertTrue(System.nanoTime() < deadline, "the job of the cut-off batch is still taken (would wait for the stuck reclaim)");
            Thread.onSpinWait();
        }
        JobSchedule.JobSnapshot job = schedule.snapshot(jobId);
        assertNotNull(job.untilNextCheck(), "waiting for its next check");
        assertTrue(job.untilNextCheck().compareTo(Duration.ofMinutes(59)) > 0, "due one interval (1h here) later: " + job.untilNextCheck());
        assertEquals(0, job.checks(), "the cut-off check is not counted");
        assertEquals(failedBefore, schedule.failedChecks(), "no error handler ran");
        assertNothingWrittenToKafka();
    }


    private void graceAfterForcedStop() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!context.getShutdownStrategy().hasTimeoutOccurred() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < grace) {
            Thread.onSpinWait();
        }
    }
}
