package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Routes call methods on these records (${body.state}) and Camel hashes the object for its bean-info
 * cache on every such call: the hash must not cost a pass over the producer's input (up to 64 KiB).
 */
class TrackedJobHashTest {

    private static final String ID = "nb:jid:UUID:1b2c3d4e-0000-0000-0000-000000000001";

    private static TrackedJob tracked(String input) {
        return new TrackedJob(ID, "n", "Queued", null, Map.of("k", "v"), Instant.parse("2026-01-01T00:00:00Z"),
                0, input, null, null, 0, TrackedJob.FROM_CHECK, null);
    }

    @Test
    void should_hash_a_tracked_job_by_its_id_alone_and_keep_value_equality() {
        TrackedJob small = tracked(ID);
        TrackedJob large = tracked("x".repeat(65_536));
        assertEquals(ID.hashCode(), small.hashCode());
        assertEquals(small.hashCode(), large.hashCode());
        assertNotEquals(small, large);
        assertEquals(small, tracked(ID));
    }

    @Test
    void should_hash_an_observation_and_an_ams_job_by_the_job_id_alone() {
        AmsJob job = new AmsJob(ID, "n", "2026-01-01T00:00:00", "2026-01-01T00:00:00", null, null, 0.0, 2);
        Observation observation = new Observation(tracked("x".repeat(65_536)), job, JobState.Processing, true, Instant.EPOCH);
        assertEquals(ID.hashCode(), observation.hashCode());
        assertEquals(ID.hashCode(), job.hashCode());
    }
}
