package io.github.amsjobmonitor.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which producer traceparent the monitor keeps: W3C trace context version 00 exactly, as text or bytes. */
class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void should_keep_a_well_formed_traceparent_given_as_bytes_or_text() {
        assertEquals(VALID, TraceParent.valid(VALID.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(VALID, TraceParent.valid(VALID));
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
    }

    @Test
    void should_drop_anything_else() {
        for (String malformed : new String[] {
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // another version
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            " " + VALID, VALID + "\n", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902g7-01", ""}) {
            assertNull(TraceParent.valid(malformed), malformed);
            assertNull(TraceParent.valid(malformed.getBytes(StandardCharsets.UTF_8)), malformed);
        }
        byte[] notAscii = VALID.getBytes(StandardCharsets.US_ASCII);
        notAscii[10] = (byte) 0xE4;
        assertNull(TraceParent.valid(notAscii));
        assertNull(TraceParent.valid(null));
        assertNull(TraceParent.valid(42));
    }
}
