package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobIdTest {

    @Test
    void should_accept_an_ams_job_id() {
        assertTrue(JobId.isValid("nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11"));
        assertTrue(JobId.isValid("nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:UUID:",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c1",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11 ",
            " nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:UUID:2a7d5c1e0b3f4c849a517e2d0f6b8c11",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11' or Id ne '",
            "nb:cid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c1g",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11\n",
            "nb:jid:UUID:2a7d5c1e0-b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c1-",
            "nb:jid:UUID:-a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:UUID:\uff12a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11",
            "nb:jid:uuid:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11"})
    void should_refuse_anything_else(String candidate) {
        assertFalse(JobId.isValid(candidate));
    }

    @Test
    void should_refuse_null() {
        assertFalse(JobId.isValid(null));
    }

    @Test
    void should_spell_the_guid_in_lower_case_in_the_canonical_form() {
        String canonical = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
        assertEquals(canonical, JobId.canonical("nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11"));
        assertEquals(canonical, JobId.canonical("nb:jid:UUID:2a7D5c1E-0b3f-4C84-9a51-7e2d0F6b8c11"));
        assertEquals(canonical, JobId.canonical(canonical));
    }

    @Test
    void should_tell_the_canonical_form_from_other_spellings() {
        assertTrue(JobId.isCanonical("nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11"));
        assertFalse(JobId.isCanonical("nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11"));
        assertFalse(JobId.isCanonical("nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11' or Id ne '"));
        assertFalse(JobId.isCanonical(null));
    }

    @Test
    void should_refuse_to_canonicalise_what_is_not_a_job_id() {
        assertThrows(IllegalArgumentException.class, () -> JobId.canonical("nb:jid:UUID:not-a-guid"));
    }
}
