package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ams.max-answer-size and monitor.token.max-answer-size: bytes, KiB or MiB. */
class AnswerSizeSettingTest {

    @Test
    void should_read_bytes_kib_and_mib() {
        assertEquals(4_194_304, MonitorConfiguration.bytes("ams.max-answer-size", "4194304"));
        assertEquals(65_536, MonitorConfiguration.bytes("ams.max-answer-size", "64KiB"));
        assertEquals(4_194_304, MonitorConfiguration.bytes("ams.max-answer-size", " 4MiB "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "4MB", "4 GiB", "lots"})
    void should_refuse_anything_else_naming_the_key(String text) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> MonitorConfiguration.bytes("ams.max-answer-size", text));
        assertEquals("ams.max-answer-size", e.getKey());
        assertTrue(e.getMessage().contains("4MiB"), e.getMessage());
    }
}
