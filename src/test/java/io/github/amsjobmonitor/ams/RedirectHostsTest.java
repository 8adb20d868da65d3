package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectHostsTest {

    private final RedirectHosts defaults = RedirectHosts.amsV2Domains();

    @ParameterizedTest
    @ValueSource(strings = {
        "acct.restv2.westeurope.media.azure.net",
        "ACCT.RESTV2.WESTEUROPE.MEDIA.AZURE.NET",
        "acct.restv2.westeurope.media.azure.net.",
        "media.windows.net",
        "acct.restv2.chinaeast2.media.chinacloudapi.cn",
        "acct.restv2.usgovvirginia.media.usgovcloudapi.net",
        "acct.restv2.germanycentral.media.cloudapi.de",
    })
    void should_allow_the_ams_v2_domains_by_default(String host) {
        assertTrue(defaults.allows(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "evil.example.com",
        "media.azure.net",
        "evilmedia.azure.net",
        "media.azure.net.evil.example.com",
        "acct.media.windows.net",
        "wamsbayclus001rest-hs.cloudapp.net",
        "127.0.0.1",
        "localhost",
        "",
    })
    void should_allow_nothing_else_by_default(String host) {
        assertFalse(defaults.allows(host), host);
    }

    @Test
    void should_match_exact_names_and_wildcard_domains_of_a_custom_list() {
        RedirectHosts hosts = RedirectHosts.parse(" wamsbayclus001rest-hs.cloudapp.net , *.media.example.org ,[::1]");
        assertTrue(hosts.allows("wamsbayclus001rest-hs.cloudapp.net"));
        assertTrue(hosts.allows("a.b.media.example.org"));
        assertTrue(hosts.allows("[::1]"));
        assertFalse(hosts.allows("other.cloudapp.net"));
        assertFalse(hosts.allows("media.example.org"));
    }

    @Test
    void should_allow_no_host_when_the_list_is_blank() {
        assertFalse(RedirectHosts.parse("").allows("acct.restv2.westeurope.media.azure.net"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*.com", "evil.*", "*media.azure.net", "https://media.windows.net", "media.windows.net/API", "a b"})
    void should_refuse_an_entry_that_is_neither_a_host_nor_a_wildcard_domain(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedirectHosts.parse(entry));
        assertTrue(e.getMessage().contains("ams.redirect-hosts"), e.getMessage());
    }
}
