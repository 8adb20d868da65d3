package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;

class AmsAnswerSizeCapTest {

    private static final int CAP = 64 * 1024;
    private final AmsAnswerSizeCap cap = new AmsAnswerSizeCap(CAP);

    /** An answer that never ends, counting what was taken from it. */
    private static final class EndlessAnswer extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return ' ';
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
            served += length;
            return length;
        }
    }

    private static ClassicHttpResponse answer(org.apache.hc.core5.http.HttpEntity entity) {
        ClassicHttpResponse response = new BasicClassicHttpResponse(200);
        response.setEntity(entity);
        return response;
    }

    @Test
    void should_pass_an_answer_within_the_cap_unchanged() throws Exception {
        byte[] body = "{\"value\":[]}".getBytes(StandardCharsets.UTF_8);
        try (InputStream in = cap.capped(answer(new ByteArrayEntity(body, ContentType.APPLICATION_JSON))).getEntity().getContent()) {
            assertEquals("{\"value\":[]}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void should_refuse_an_answer_that_declares_more_than_the_cap_without_reading_it() {
        EndlessAnswer source = new EndlessAnswer();
        AmsAnswerInvalidException e = assertThrows(AmsAnswerInvalidException.class,
                () -> cap.capped(answer(new InputStreamEntity(source, CAP + 1L, ContentType.APPLICATION_JSON))));
        assertTrue(e.getMessage().contains("ams.max-answer-size"), e.getMessage());
        assertEquals(0, source.served);
    }

    @Test
    void should_stop_reading_an_answer_of_unknown_length_at_the_first_byte_past_the_cap() throws Exception {
        EndlessAnswer source = new EndlessAnswer();
        ClassicHttpResponse response = cap.capped(answer(new InputStreamEntity(source, -1, ContentType.APPLICATION_JSON)));
        try (InputStream in = response.getEntity().getContent()) {
            AmsAnswerInvalidException e = assertThrows(AmsAnswerInvalidException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("ams.max-answer-size allows (65536 bytes)"), e.getMessage());
        }
        assertTrue(source.served <= CAP + 16 * 1024, source.served + " bytes read for a cap of " + CAP);
    }
}
