package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code /simulator/faults}: lets a demo inject AMS faults at runtime, as tests do with
 * {@link AmsSimulator#injectFault}. Not part of AMS, so it needs no token.
 * <ul>
 * <li>{@code POST {"fault":"STATUS","status":503,"retryAfterSeconds":5,"times":3}}: 503 (or 429,
 * 500...) for the next 3 API requests, with {@code Retry-After} when given;</li>
 * <li>{@code POST {"fault":"SLOW","millis":20000}}: the next answer 20 s late;</li>
 * <li>{@code POST {"fault":"UNAUTHORIZED"}}: 401 for a valid token;</li>
 * <li>{@code POST {"fault":"NOT_JSON"|"VERBOSE"|"NO_STATE"|"UNKNOWN_STATE"|"OVERSIZED","times":-1}}: spoiled
 * {@code Jobs()} answers until cleared;</li>
 * <li>{@code POST {"fault":"REFUSE","millis":10000}}: connections refused for 10 s;</li>
 * <li>{@code DELETE}: clears pending faults.</li>
 * </ul>
 * {@code times} defaults to 1; -1 keeps the fault until cleared.
 */
final class FaultControlEndpoint {

    static final String PATH = "/simulator/faults";
    private static final String CONTENT_TYPE = "application/json";

    /** The POST body; only {@code fault} is required. */
    record FaultRequest(String fault, Integer status, Integer retryAfterSeconds, Long millis, Integer times) {
    }

    private final AmsSimulator simulator;

    FaultControlEndpoint(AmsSimulator simulator) {
        this.simulator = simulator;
    }

    Reply handle(String method, String body) {
        if ("DELETE".equals(method)) {
            simulator.clearFaults();
            return Reply.json(200, CONTENT_TYPE, Map.of("cleared", true));
        }
        if (!"POST".equals(method)) {
            return problem(405, "use POST or DELETE");
        }
        try {
            FaultRequest request = Reply.JSON.readValue(body, FaultRequest.class);
            if (request.fault() == null) {
                return problem(400, "'fault' is required: REFUSE or one of " + java.util.Arrays.toString(ApiFault.Kind.values()));
            }
            int times = request.times() == null ? 1 : request.times();
            if ("REFUSE".equals(request.fault())) {
                Duration closed = Duration.ofMillis(required(request.millis(), "millis"));
                // the port closes once this answer is out: closing it now would cut this very answer off
                Thread closer = new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        simulator.refuseConnectionsFor(closed);
                    } catch (InterruptedException | IllegalStateException e) {
                        // stopped meanwhile: nothing to close
                    }
                }, "ams-simulator-refuse");
                closer.setDaemon(true);
                closer.start();
                return Reply.json(202, CONTENT_TYPE, Map.of("fault", "REFUSE", "millis", request.millis()));
            }
            ApiFault fault = switch (ApiFault.Kind.valueOf(request.fault())) {
                case STATUS -> new ApiFault(ApiFault.Kind.STATUS, required(request.status(), "status"),
                        request.retryAfterSeconds() == null ? null : Duration.ofSeconds(request.retryAfterSeconds()), null);
                case SLOW -> ApiFault.slow(Duration.ofMillis(required(request.millis(), "millis")));
                default -> ApiFault.of(ApiFault.Kind.valueOf(request.fault()));
            };
            simulator.injectFault(fault, times);
            return Reply.json(201, CONTENT_TYPE, Map.of("fault", fault.kind().name(), "times", times));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return problem(400, e.getMessage());
        }
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is required for this fault");
        }
        return value;
    }

    private static Reply problem(int status, String message) {
        return Reply.json(status, CONTENT_TYPE, Map.of("error", String.valueOf(message)));
    }
}
