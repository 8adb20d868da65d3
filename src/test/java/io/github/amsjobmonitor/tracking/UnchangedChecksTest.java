package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.AmsUnavailableException;
import io.github.amsjobmonitor.ams.JobState;
import io.github.amsjobmonitor.simulator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rule that tells a check that found nothing new, and the one step that settles such checks per batch. */
class UnchangedChecksTest {

    private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(15);

    private final ManualClock clock = new ManualClock(NOW);
    private final ProgressReads progressReads = new ProgressReads(Duration.ofSeconds(30), clock);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JobSchedule schedule = new JobSchedule(INTERVAL, 20, Duration.ZERO, 100, Duration.ofMinutes(5), nanos::get);
    private final UnchangedChecks withProgress = new UnchangedChecks(schedule, true, progressReads);
    private final UnchangedChecks withoutProgress = new UnchangedChecks(schedule, false, progressReads);

    private static String id() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    private static TrackedJob seenIn(String id, String state) {
        return TrackedJob.requested(id, Map.of(), NOW, null).seen("encode", state, NOW);
    }

    private static Observation answer(TrackedJob tracked, JobState state) {
        return answer(tracked, state, "encode");
    }

    private static Observation answer(TrackedJob tracked, JobState state, String name) {
        AmsJob job = new AmsJob(tracked.jobId(), name, null, null, null, null, null, state == null ? 9 : state.code());
        return new Observation(tracked, job, state, true, NOW.plusSeconds(15));
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = {"Queued", "Scheduled", "Processing", "Canceling"})
    void should_find_nothing_new_in_the_same_state_seen_again(JobState state) {
        assertTrue(withoutProgress.isUnchanged(answer(seenIn(id(), state.name()), state), false));
    }

    @Test
    void should_find_something_new_in_a_changed_state() {
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), "Queued"), JobState.Processing), false));
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = {"Finished", "Error", "Canceled"})
    void should_never_settle_a_final_state_even_seen_again(JobState state) {
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), state.name()), state), false));
    }

    @Test
    void should_not_settle_a_job_ams_does_not_know_or_whose_state_this_version_does_not_know() {
        TrackedJob tracked = seenIn(id(), "Queued");
        assertFalse(withoutProgress.isUnchanged(new Observation(tracked, null, null, false, NOW), false));
        assertFalse(withoutProgress.isUnchanged(answer(tracked, null), false));
    }

    @Test
    void should_not_settle_the_first_check_of_a_job_taken_in() {
        TrackedJob request = TrackedJob.requested(id(), Map.of(), NOW, null);
        assertFalse(withoutProgress.isUnchanged(answer(request, JobState.Queued, null), false));
    }

    @Test
    void should_not_settle_a_check_that_resets_a_count_of_misses_or_unreadable_answers() {
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), "Queued").notFoundOnceMore(), JobState.Queued), false));
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), "Queued").invalidAnswerOnceMore(), JobState.Queued), false));
    }

    @Test
    void should_not_settle_a_renamed_job_or_one_whose_record_must_be_written_again() {
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), "Queued"), JobState.Queued, "renamed"), false));
        assertFalse(withoutProgress.isUnchanged(answer(seenIn(id(), "Queued"), JobState.Queued), true));
    }

    @Test
    void should_not_settle_a_processing_job_whose_tasks_read_is_due_unless_progress_is_off_or_paused() {
        Observation processing = answer(seenIn(id(), "Processing"), JobState.Processing);
        assertFalse(withProgress.isUnchanged(processing, false), "a Tasks read is due at each check of a Processing job");
        assertTrue(withoutProgress.isUnchanged(processing, false), "progress off: no Tasks read");

        progressReads.failed(new AmsUnavailableException("AMS answered HTTP 429", 429, "60"));
        assertTrue(withProgress.isUnchanged(processing, false), "task reads paused: no Tasks read");
        clock.advance(Duration.ofSeconds(61));
        assertFalse(withProgress.isUnchanged(processing, false), "the pause is over");
        assertTrue(withProgress.isUnchanged(answer(seenIn(id(), "Queued"), JobState.Queued), false), "nothing to read while Queued");
    }

    @Test
    void should_reschedule_and_count_the_unchanged_checks_of_a_batch_and_hand_on_only_the_others() {
        TrackedJob queued = seenIn(id(), "Queued");
        TrackedJob scheduled = seenIn(id(), "Scheduled");
        TrackedJob moving = seenIn(id(), "Queued");
        TrackedJob finished = seenIn(id(), "Processing");
        schedule.assigned(List.of(0));
        schedule.restored(0);
        for (TrackedJob job : List.of(queued, scheduled, moving, finished)) {
            schedule.apply(0, job.jobId(), job);
        }
        assertEquals(4, schedule.takeDue().get(0).size());
        Observation movingOn = answer(moving, JobState.Scheduled);
        Observation finishing = answer(finished, JobState.Finished);

        List<Observation> others = withProgress.settle(List.of(answer(queued, JobState.Queued), movingOn,
                answer(scheduled, JobState.Scheduled), finishing));

        assertEquals(List.of(movingOn, finishing), others, "only the checks that found something go on, in order");
        assertEquals(2, schedule.inFlight(), "the two settled jobs are waiting for their next check");
        assertEquals(1, schedule.checks("Queued"));
        assertEquals(1, schedule.checks("Scheduled"));
        assertEquals(1, schedule.checksOf(queued.jobId()));
        assertEquals(0, schedule.checksOf(moving.jobId()), "its check goes on in check-job");
        nanos.addAndGet(INTERVAL.toNanos());
        assertEquals(List.of(queued.jobId(), scheduled.jobId()).stream().sorted().toList(),
                schedule.takeDue().get(0).stream().map(TrackedJob::jobId).sorted().toList(), "due again one interval later");
    }
}
