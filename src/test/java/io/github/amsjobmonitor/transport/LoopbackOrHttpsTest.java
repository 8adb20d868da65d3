package io.github.amsjobmonitor.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackOrHttpsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "https://acct.restv2.westeurope.media.azure.net/api/",
        "https://login.microsoftonline.com",
        "HTTPS://Acct.RestV2.WestEurope.Media.Azure.Net/api/",
        "http://127.0.0.1:18089/api/",
        "http://127.3.2.1/api/",
        "http://localhost:8080/",
        "http://LOCALHOST/",
        "http://[::1]:8443/api/",
        "http://[0:0:0:0:0:0:0:1]/api/",
    })
    void should_let_the_token_travel_over_https_anywhere_and_over_http_only_to_loopback(String url) {
        assertEquals(Optional.empty(), LoopbackOrHttps.problem(url), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://media.example.com/api/",
        "http://acct.restv2.westeurope.media.azure.net/api/",
        "http://10.0.0.1/api/",
        "http://128.0.0.1/api/",
        "http://[::2]/api/",
        "http://localhost.example.com/api/",
        "http://127.0.0.1.nip.io/api/",
    })
    void should_refuse_cleartext_to_any_host_that_is_not_loopback(String url) {
        String problem = LoopbackOrHttps.problem(url).orElseThrow();
        assertTrue(problem.contains("not loopback"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/api/", "example.com/api/", "https:///api/", "https://exa mple.com/", "file:///etc/passwd"})
    void should_refuse_what_is_not_an_https_url_with_a_host(String url) {
        assertTrue(LoopbackOrHttps.problem(url).isPresent(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "127.255.255.254", "[::1]", "::1"})
    void should_take_loopback_names_and_literals_as_loopback(String host) {
        assertTrue(LoopbackOrHttps.isLoopback(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "10.1.2.3", "0.0.0.0", "::", "evil.localhost.example", ""})
    void should_take_nothing_else_as_loopback_without_asking_dns(String host) {
        assertFalse(LoopbackOrHttps.isLoopback(host), host);
    }
}
