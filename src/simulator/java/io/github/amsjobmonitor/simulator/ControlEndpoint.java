package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code /simulator/jobs}: lets a demo register jobs at runtime ({@code POST}) and list them
 * ({@code GET}). Not part of AMS, so it needs no token.
 */
final class ControlEndpoint {

    static final String PATH = "/simulator/jobs";
    private static final String CONTENT_TYPE = "application/json";

    /** The POST body; every field but {@code scenario} is optional. */
    record JobRequest(String jobId, String name, String scenario, Long stepMillis) {
    }

    private final JobCatalog catalog;
    private final Clock clock;

    ControlEndpoint(JobCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    Reply handle(String method, String body) {
        if ("GET".equals(method)) {
            return Reply.json(200, CONTENT_TYPE, Map.of("value", catalog.observeAll(clock.instant())));
        }
        if (!"POST".equals(method)) {
            return problem(405, "use GET or POST");
        }
        try {
            JobRequest request = Reply.JSON.readValue(body, JobRequest.class);
            if (request.scenario() == null) {
                return problem(400, "'scenario' is required: one of FINISH, ERROR, CANCEL, LONG_RUNNING");
            }
            String jobId = request.jobId() != null ? request.jobId() : SimulatedJob.randomId();
            String name = request.name() != null ? request.name() : "Simulated job";
            Duration step = Duration.ofMillis(request.stepMillis() != null ? request.stepMillis() : 2000);
            Instant now = clock.instant();
            SimulatedJob job = SimulatedJob.of(jobId, name, JobScenario.valueOf(request.scenario()), step, now);
            catalog.add(job);
            return Reply.json(201, CONTENT_TYPE, job.observeAt(now).orElseThrow());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return problem(400, e.getMessage());
        }
    }

    private static Reply problem(int status, String message) {
        return Reply.json(status, CONTENT_TYPE, Map.of("error", String.valueOf(message)));
    }
}
