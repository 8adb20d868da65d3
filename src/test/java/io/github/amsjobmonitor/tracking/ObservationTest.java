package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** check-job routes on {@code ${body.stateName}}: text, so that Camel compares text with text. */
class ObservationTest {

    private static final String ID = "nb:jid:UUID:1b2c3d4e-0000-0000-0000-000000000001";
    private static final TrackedJob TRACKED = new TrackedJob(ID, "n", "Queued", null, Map.of(), Instant.parse("2026-01-01T00:00:00Z"),
            0, null, null, null, 0, TrackedJob.FROM_CHECK, null);

    @Test
    void should_name_its_state_for_the_routes() {
        AmsJob job = new AmsJob(ID, "n", null, null, null, null, 0.0, 3);
        assertEquals("Finished", new Observation(TRACKED, job, JobState.Finished, true, Instant.EPOCH).stateName());
    }

    @Test
    void should_have_no_state_name_for_an_unknown_job_or_an_unknown_state() {
        assertNull(new Observation(TRACKED, null, null, false, Instant.EPOCH).stateName());
        AmsJob job = new AmsJob(ID, "n", null, null, null, null, 0.0, 42);
        assertNull(new Observation(TRACKED, job, null, true, Instant.EPOCH).stateName());
    }
}
