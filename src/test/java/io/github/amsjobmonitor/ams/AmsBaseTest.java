package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AmsBaseTest {

    private static final String CONFIGURED = "https://acct.restv2.westeurope.media.azure.net/api/";
    private static final String MOVED = "https://acct.restv2.northeurope-2.media.azure.net/api/";
    private final AtomicLong tokens = new AtomicLong(1);
    private final AmsBase base = new AmsBase(CONFIGURED, tokens::get);

    @Test
    void should_send_later_requests_to_the_base_of_a_301() {
        assertEquals(CONFIGURED + "Jobs()", base.url("Jobs()"));
        base.movedTo(MOVED + "Jobs()?$filter=x&$top=1", "Jobs()", "$filter=x&$top=1");
        assertEquals(MOVED + "Jobs()", base.url("Jobs()"));
        assertEquals(MOVED + "Jobs('a')/Tasks", base.url("Jobs('a')/Tasks"));
    }

    @Test
    void should_go_back_to_the_configured_base_with_the_next_token() {
        base.movedTo(MOVED + "Jobs('a')/Tasks", "Jobs('a')/Tasks", null);
        tokens.incrementAndGet();
        assertEquals(CONFIGURED, base.current());
    }

    @Test
    void should_go_back_to_the_configured_base_when_the_moved_one_fails() {
        base.movedTo(MOVED + "Jobs()", "Jobs()", "");
        base.failed();
        assertEquals(CONFIGURED, base.current());
    }

    @Test
    void should_refuse_a_location_that_is_not_the_same_request() {
        assertThrows(AmsRefusedException.class, () -> base.movedTo(MOVED + "Assets()", "Jobs()", null));
        assertThrows(AmsRefusedException.class, () -> base.movedTo(null, "Jobs()", null));
        assertThrows(AmsRefusedException.class, () -> base.movedTo("ftp://x/Jobs()", "Jobs()", null));
        assertEquals(CONFIGURED, base.current());
    }
}
