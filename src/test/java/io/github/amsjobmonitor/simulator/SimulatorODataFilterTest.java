package io.github.amsjobmonitor.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorODataFilterTest {

    private static final String A = "nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81";
    private static final String B = "nb:jid:UUID:2AB3C4D5-E6F7-4819-8A2B-3C4D5E6F7A8B";

    @Test
    void should_parse_a_single_id() {
        assertEquals(List.of(A), ODataFilter.parse("Id eq '" + A + "'").jobIds());
    }

    @Test
    void should_parse_ids_joined_by_or_in_order_without_repeats() {
        String filter = "Id eq '" + B + "' or Id eq '" + A + "' or Id eq '" + B + "'";
        assertEquals(List.of(B, A), ODataFilter.parse(filter).jobIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "garbage",
            "Id eq " + A,
            "Id eq \"" + A + "\"",
            "Id eq '" + A + "''",
            "Id eq '" + A + "' or Id eq 'x' or Id eq '" + A + "'",
            "Id ne '" + A + "'",
            "Id gt '" + A + "'",
            "id eq '" + A + "'",
            "Id EQ '" + A + "'",
            "Id  eq '" + A + "'",
            " Id eq '" + A + "'",
            "Id eq '" + A + "' ",
            "Id eq '" + A + "' and Id eq '" + B + "'",
            "Id eq '" + A + "' OR Id eq '" + B + "'",
            "Id eq '" + A + "'  or Id eq '" + B + "'",
            "Id eq '" + A + "' or ",
            "(Id eq '" + A + "')",
            "Id eq 'nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f8'",
            "Id eq 'nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81' or 1 eq 1",
            "Id eq 'nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81'' or Name eq ''",
            "startswith(Id, 'nb:jid')",
            "Id eq 'nb:cid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81'"})
    void should_reject_anything_but_id_eq_terms_joined_by_or(String filter) {
        assertThrows(ODataFilter.InvalidFilterException.class, () -> ODataFilter.parse(filter));
    }

    @Test
    void should_name_the_position_of_the_first_bad_term() {
        String filter = "Id eq '" + A + "' or Id ne '" + B + "'";
        var error = assertThrows(ODataFilter.InvalidFilterException.class, () -> ODataFilter.parse(filter));
        assertEquals("Syntax error at position 60 in '" + filter + "'.", error.getMessage());
    }
}
