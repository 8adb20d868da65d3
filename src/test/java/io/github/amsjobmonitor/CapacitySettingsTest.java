package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** monitor.tracking.max-jobs and monitor.intake.max-correlation-bytes: a bad value stops the start, naming the key. */
class CapacitySettingsTest {

    @Test
    void should_stop_the_start_naming_the_key_for_a_cap_below_one_job_or_not_a_number() {
        InvalidSettingException zero = assertThrows(InvalidSettingException.class,
                () -> MonitorConfiguration.count("monitor.tracking.max-jobs", "0", 1));
        assertEquals("monitor.tracking.max-jobs is '0'; expected a whole number of at least 1", zero.getMessage());
        assertThrows(InvalidSettingException.class, () -> MonitorConfiguration.count("monitor.intake.max-correlation-bytes", "4KiB", 0));
        assertEquals(4096, MonitorConfiguration.count("monitor.intake.max-correlation-bytes", " 4096 ", 0));
    }
}
