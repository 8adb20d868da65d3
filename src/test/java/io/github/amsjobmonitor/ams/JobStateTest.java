package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void should_map_the_ams_integers_to_the_contract_names() {
        String[] names = {"Queued", "Scheduled", "Processing", "Finished", "Error", "Canceled", "Canceling"};
        for (int code = 0; code < names.length; code++) {
            assertEquals(names[code], JobState.fromCode(code).orElseThrow().name());
        }
    }

    @Test
    void should_treat_finished_error_and_canceled_as_final() {
        for (JobState state : JobState.values()) {
            boolean expected = state == JobState.Finished || state == JobState.Error || state == JobState.Canceled;
            assertEquals(expected, state.isFinal(), state.name());
        }
    }

    @Test
    void should_not_fail_on_an_unknown_or_missing_state() {
        assertEquals(Optional.empty(), JobState.fromCode(7));
        assertEquals(Optional.empty(), JobState.fromCode(-1));
        assertEquals(Optional.empty(), JobState.fromCode(null));
    }

    @Test
    void should_convert_ams_times_to_utc_instants() {
        assertEquals("2015-02-11T01:46:08.897Z", AmsTimes.toInstant("2015-02-11T01:46:08.897"));
        assertEquals("2015-02-11T01:46:08Z", AmsTimes.toInstant("2015-02-11T01:46:08"));
        assertEquals(null, AmsTimes.toInstant(null));
        assertEquals(null, AmsTimes.toInstant("\\/Date(1587097903363)\\/"));
        assertTrue(JobState.Canceled.isFinal());
        assertFalse(JobState.Canceling.isFinal());
    }
}
