package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenProviderTest {

    private AmsSimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private TokenProvider providerFor(SimulatorSettings settings, String secret) {
        simulator = new AmsSimulator(settings.withPort(0)).start();
        return new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(), secret, settings.scope(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @Test
    void should_reuse_one_token_while_it_is_fresh() {
        TokenProvider tokens = providerFor(SimulatorSettings.defaults(), SimulatorSettings.DEFAULT_CLIENT_SECRET);
        String first = tokens.authorizationHeader();
        assertTrue(first.startsWith("Bearer "));
        assertEquals(first, tokens.authorizationHeader());
        assertEquals(first, tokens.authorizationHeader());
        assertEquals(1, simulator.tokenRequestCount());
        assertEquals(1, tokens.tokenRequests());
    }

    @Test
    void should_send_one_request_for_many_concurrent_callers_on_a_cold_cache() throws Exception {
        TokenProvider tokens = providerFor(SimulatorSettings.defaults(), SimulatorSettings.DEFAULT_CLIENT_SECRET);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return tokens.accessToken();
            }));
        }
        go.countDown();
        Set<String> distinct = answers.stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toSet());
        pool.shutdown();
        assertEquals(1, distinct.size());
        assertEquals(1, simulator.tokenRequestCount());
    }

    @Test
    void should_renew_a_token_within_five_minutes_of_its_expiry() {
        // a 200 s token is inside the 300 s margin from the start, so every call must renew it
        TokenProvider tokens = providerFor(SimulatorSettings.defaults().withTokenLifetime(Duration.ofSeconds(200)),
                SimulatorSettings.DEFAULT_CLIENT_SECRET);
        tokens.accessToken();
        tokens.accessToken();
        assertEquals(2, simulator.tokenRequestCount());
    }

    @Test
    void should_name_the_client_and_the_cause_but_never_the_secret_when_refused() {
        String wrongSecret = "wrong-secret-that-must-not-leak";
        TokenProvider tokens = providerFor(SimulatorSettings.defaults(), wrongSecret);
        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::accessToken);
        assertEquals("invalid_client", e.getErrorCode());
        assertTrue(e.getMessage().contains(SimulatorSettings.DEFAULT_CLIENT_ID), e.getMessage());
        assertFalse(e.getMessage().contains(wrongSecret));
    }

    @Test
    void should_refuse_plain_http_to_a_host_that_is_not_this_machine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenProvider(
                "http://login.example.com", "t", "c", "s", "scope", Duration.ofSeconds(1), Duration.ofSeconds(1),
                Clock.systemUTC()));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    void should_accept_the_public_and_sovereign_cloud_hosts() {
        for (String host : List.of("https://login.microsoftonline.com", "https://login.microsoftonline.us",
                "https://login.chinacloudapi.cn/")) {
            new TokenProvider(host, "tenant", "client", "secret", "https://rest.media.azure.net/.default",
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC());
        }
    }
}
