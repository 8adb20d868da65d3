package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.ManualClock;
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
import java.util.concurrent.atomic.AtomicInteger;
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

    private TokenProvider backingOffProvider(String secret, ManualClock clock) {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        SimulatorSettings settings = simulator.settings();
        return new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(), secret, settings.scope(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(40), clock);
    }

    @Test
    void should_not_ask_entra_id_again_before_the_backoff_of_a_failed_fetch_has_passed() throws Exception {
        ManualClock clock = ManualClock.startingNow();
        TokenProvider tokens = backingOffProvider(SimulatorSettings.DEFAULT_CLIENT_SECRET, clock);
        simulator.tokenEndpointUnavailable(true);
        assertThrows(TokenUnavailableException.class, tokens::accessToken);
        int afterFirstFetch = simulator.tokenRequestCount();
        assertTrue(afterFirstFetch >= 1);

        // twelve consumer threads at once, inside the backoff: each gets the failure, none asks Entra ID
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> calls = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < 12; i++) {
            calls.add(pool.submit(() -> {
                try {
                    tokens.accessToken();
                } catch (TokenUnavailableException e) {
                    failed.incrementAndGet();
                }
            }));
        }
        for (Future<?> call : calls) {
            call.get();
        }
        pool.shutdown();
        assertEquals(12, failed.get());
        assertEquals(afterFirstFetch, simulator.tokenRequestCount(), "no request inside the backoff");

        // 10 s later: one fetch, which fails again and doubles the backoff to 20 s
        clock.advance(Duration.ofSeconds(10));
        assertThrows(TokenUnavailableException.class, tokens::accessToken);
        int afterSecondFetch = simulator.tokenRequestCount();
        assertTrue(afterSecondFetch > afterFirstFetch);
        clock.advance(Duration.ofSeconds(10));
        assertThrows(TokenUnavailableException.class, tokens::accessToken);
        assertEquals(afterSecondFetch, simulator.tokenRequestCount(), "the backoff doubled to 20 s");

        // Entra ID is back: after the backoff, a token, and no failure remembered
        simulator.tokenEndpointUnavailable(false);
        clock.advance(Duration.ofSeconds(10));
        assertTrue(tokens.authorizationHeader().startsWith("Bearer "));
        assertEquals(1, simulator.issuedTokenCount());
    }

    @Test
    void should_report_refused_credentials_once_and_never_ask_again() {
        String wrongSecret = "wrong-secret-that-must-not-leak";
        ManualClock clock = ManualClock.startingNow();
        TokenProvider tokens = backingOffProvider(wrongSecret, clock);
        List<CredentialsRefusedException> reported = new ArrayList<>();
        tokens.onCredentialsRefused(reported::add);

        CredentialsRefusedException first = assertThrows(CredentialsRefusedException.class, tokens::accessToken);
        clock.advance(Duration.ofHours(1));
        CredentialsRefusedException again = assertThrows(CredentialsRefusedException.class, tokens::accessToken);

        assertEquals(1, reported.size());
        assertEquals(1, simulator.tokenRequestCount(), "a refusal needs a new configuration, not another try");
        assertTrue(tokens.credentialsRefused());
        assertEquals(first.getMessage(), again.getMessage());
        assertEquals("invalid_client", first.getErrorCode());
        assertTrue(first.getMessage().contains(SimulatorSettings.DEFAULT_CLIENT_ID), first.getMessage());
        assertTrue(first.getMessage().contains("AADSTS7000215"), first.getMessage());
        assertFalse(first.getMessage().contains("Trace ID"), "no trace ids: " + first.getMessage());
        assertFalse(first.getMessage().contains(wrongSecret));
    }

    @Test
    void should_give_up_on_a_slow_token_endpoint_after_its_read_timeout() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        SimulatorSettings settings = simulator.settings();
        TokenProvider tokens = new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(),
                settings.clientSecret(), settings.scope(), Duration.ofMillis(500), Duration.ofMillis(500), Clock.systemUTC());
        simulator.delayTokenAnswers(Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::accessToken);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 2900, "gave up after " + millis + " ms, before the answer came: " + e.getMessage());
        assertFalse(tokens.credentialsRefused());
    }
}
