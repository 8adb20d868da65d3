package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobQueryTest {

    private static final String A = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final String B = "nb:jid:UUID:9f1e2d3c-4b5a-4968-8776-655443322110";

    private final JobQuery query = new JobQuery();

    @Test
    void should_filter_one_job_by_id_and_ask_for_one_result() {
        String q = query.filterById(A);
        assertEquals("$filter=Id%20eq%20%27nb%3Ajid%3AUUID%3A2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11%27&$top=1", q);
        assertEquals("$filter=Id eq '" + A + "'&$top=1", URLDecoder.decode(q, StandardCharsets.UTF_8));
    }

    @Test
    void should_join_several_jobs_with_or() {
        String q = URLDecoder.decode(query.filterByIds(List.of(A, B)), StandardCharsets.UTF_8);
        assertEquals("$filter=Id eq '" + A + "' or Id eq '" + B + "'&$top=2", q);
    }

    @Test
    void should_refuse_an_id_that_would_change_the_filter() {
        assertThrows(IllegalArgumentException.class, () -> query.filterById(A + "' or Id ne '"));
        assertThrows(IllegalArgumentException.class, () -> query.filterByIds(List.of()));
    }
}
