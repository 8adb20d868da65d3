package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Entra ID's answers are read with a cap (monitor.token.max-answer-size): a longer answer fails the token request. */
class EntraAnswerSizeCapTest {

    private static final long CAP = 64 * 1024;
    private static final int CHUNK = 16 * 1024;
    // the endless answer stops here at the latest, should the cap not hold
    private static final long SERVER_LIMIT = 256L * 1024 * 1024;

    private AmsSimulator simulator;
    private HttpServer endless;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (endless != null) {
            endless.stop(0);
        }
    }

    @Test
    void should_fail_the_token_request_when_the_token_answer_is_longer_than_the_cap() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        SimulatorSettings settings = simulator.settings();
        // the simulator's token answer is a few hundred bytes: a cap of 64 bytes makes it oversized
        TokenProvider tokens = new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(),
                SimulatorSettings.DEFAULT_CLIENT_SECRET, settings.scope(), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 64, Clock.systemUTC());

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::accessToken);
        assertTrue(e.getMessage().contains("monitor.token.max-answer-size"), e.getMessage());
        assertEquals(1, tokens.failedTokenRequests());
    }

    @Test
    void should_get_the_token_when_the_answer_is_within_the_cap() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        SimulatorSettings settings = simulator.settings();
        TokenProvider tokens = new TokenProvider(simulator.baseUrl(), settings.tenant(), settings.clientId(),
                SimulatorSettings.DEFAULT_CLIENT_SECRET, settings.scope(), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1), CAP, Clock.systemUTC());

        assertTrue(tokens.authorizationHeader().startsWith("Bearer "));
    }

    @Test
    void should_stop_reading_an_endless_answer_soon_after_the_cap() throws IOException {
        AtomicLong written = new AtomicLong();
        endless = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endless.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse it by
            byte[] chunk = new byte[CHUNK];
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < SERVER_LIMIT) {
                    out.write(chunk);
                    written.addAndGet(CHUNK);
                }
            } catch (IOException clientWentAway) {
                // what the cap should cause
            }
        });
        endless.start();
        String host = "http://127.0.0.1:" + endless.getAddress().getPort();
        TokenProvider tokens = new TokenProvider(host, "tenant", "client", "secret", "https://rest.media.azure.net/.default",
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1), CAP, Clock.systemUTC());

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::accessToken);
        assertTrue(e.getMessage().contains("monitor.token.max-answer-size"), e.getMessage());
        // what was written beyond the cap sits in socket buffers at most, far below the endless answer's limit
        assertTrue(written.get() < SERVER_LIMIT, written.get() + " bytes written: the answer was read to the end");
    }
}
