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
        assertThrows(InvalidSettingException.class, () -> MonitorConfiguration.count("monitor.tracking.max-jobs", "many", 1));
        assertEquals(20, MonitorConfiguration.count("monitor.tracking.max-jobs", " 20 ", 1));
        // a size like every other size setting
        assertEquals(4096, MonitorConfiguration.correlationBytes("4KiB"));
        assertThrows(InvalidSettingException.class, () -> MonitorConfiguration.correlationBytes("65MiB"));
    }
}
