package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AmsBaseTest {

    private static final String CONFIGURED = "https://acct.restv2.westeurope.media.azure.net/api/";
    private static final String MOVED = "https://acct.restv2.northeurope-2.media.azure.net/api/";
    private final AtomicLong tokens = new AtomicLong(1);
    private final AmsBase base = new AmsBase(CONFIGURED, tokens::get);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(AmsBase.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(AmsBase.class)).detachAppender(log);
    }

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

    @Test
    void should_refuse_a_301_to_a_host_outside_ams_redirect_hosts_before_any_request_and_say_so_in_one_error_line() {
        String evil = "https://evil.example.com/api/";
        for (int i = 0; i < 3; i++) {
            AmsRefusedException refused = assertThrows(AmsRefusedException.class,
                    () -> base.movedTo(evil + "Jobs()?$top=1", "Jobs()", "$top=1"));
            assertTrue(refused.getMessage().contains("evil.example.com"), refused.getMessage());
        }
        assertEquals(CONFIGURED + "Jobs()", base.url("Jobs()"), "later requests still go to the configured base");
        List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertEquals(1, errors.size(), "one ERROR line for the same refused place: " + log.list);
        String line = errors.get(0).getFormattedMessage();
        assertTrue(line.contains("https://evil.example.com") && line.contains("ams.redirect-hosts"), line);
        assertFalse(line.contains("Bearer"), line);
    }

    @Test
    void should_refuse_a_301_to_cleartext_http_even_on_an_ams_host() {
        AmsRefusedException refused = assertThrows(AmsRefusedException.class,
                () -> base.movedTo("http://acct.restv2.northeurope-2.media.azure.net/api/Jobs()", "Jobs()", null));
        assertTrue(refused.getMessage().contains("not loopback"), refused.getMessage());
        assertEquals(CONFIGURED, base.current());
    }

    @Test
    void should_follow_a_301_to_any_ams_v2_domain_of_the_default_list() {
        for (String moved : List.of("https://acct.restv2.chinaeast2.media.chinacloudapi.cn/api/",
                "https://acct.restv2.usgovarizona.media.usgovcloudapi.net/api/", "https://media.windows.net/API/")) {
            base.movedTo(moved + "Jobs()", "Jobs()", null);
            assertEquals(moved, base.current());
        }
    }

    @Test
    void should_follow_a_301_only_to_hosts_of_the_configured_list() {
        AmsBase custom = new AmsBase(CONFIGURED, RedirectHosts.parse("wamsbayclus001rest-hs.cloudapp.net"), tokens::get);
        custom.movedTo("https://wamsbayclus001rest-hs.cloudapp.net/api/Jobs()", "Jobs()", null);
        assertEquals("https://wamsbayclus001rest-hs.cloudapp.net/api/", custom.current());
        assertThrows(AmsRefusedException.class, () -> custom.movedTo(MOVED + "Jobs()", "Jobs()", null));
    }

    @Test
    void should_follow_a_301_that_stays_on_the_host_of_ams_api_url_whatever_the_list() {
        AmsBase local = new AmsBase("http://127.0.0.1:18089/api/", RedirectHosts.parse(""), tokens::get);
        local.movedTo("http://127.0.0.1:18089/cluster-b/api/Jobs()", "Jobs()", null);
        assertEquals("http://127.0.0.1:18089/cluster-b/api/", local.current());
    }

    @Test
    void should_not_take_loopback_as_an_exception_to_the_host_list() {
        AmsBase local = new AmsBase("http://127.0.0.1:18089/api/", RedirectHosts.parse(""), tokens::get);
        AmsRefusedException refused = assertThrows(AmsRefusedException.class,
                () -> local.movedTo("http://localhost:9999/api/Jobs()", "Jobs()", null));
        assertTrue(refused.getMessage().contains("localhost"), refused.getMessage());
        assertEquals("http://127.0.0.1:18089/api/", local.current());
    }
}
