package io.github.amsjobmonitor.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.ams.JobId;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.JobSchedule.JobSnapshot;
import io.github.amsjobmonitor.tracking.TrackedJob;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Where is job X?" on the management port: {@code GET /observe/jobs/{id}} answers what this instance
 * knows of the job, or 404 with the partition of the tracking topic that owns the ID, so that an
 * operator with several instances knows which one to ask; {@code GET /observe/jobs} counts the jobs by
 * state and lists the ten most overdue. Served behind {@link ManagementGuard} (details: credentials, or
 * the explicit opt-in), since job names, states and partitions are details.
 */
public final class JobLookup implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(JobLookup.class);

    public static final String PATH = "/observe/jobs";
    static final int MOST_OVERDUE = 10;
    /**
     * The lookup's {@code state} of a job not seen by a check yet (just taken in, or not found by AMS so
     * far), also its {@code byState} key in place of the schedule's {@link JobSchedule#NOT_SEEN}: the
     * answers use AMS's way of naming states (docs/operating.md), the metric label Prometheus's.
     */
    static final String NOT_SEEN = "NotSeenYet";

    private final JobSchedule schedule;
    private final String topic;
    private final int partitions;
    private final Clock clock;
    // times as ISO-8601 text, as on the tracking topic
    private final ObjectMapper json = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    JobLookup(JobSchedule schedule, String topic, int partitions, Clock clock) {
        this.schedule = schedule;
        this.topic = topic;
        this.partitions = partitions;
        this.clock = clock;
    }

    /**
     * Adds the lookup to the management server's router, after the guard's handlers (ManagementGuard.install).
     * It never fails the guard's installation: without its settings there is no lookup, and one WARN line.
     */
    static void addTo(CamelContext context, Router router) {
        try {
            JobSchedule schedule = context.getRegistry().lookupByNameAndType("jobSchedule", JobSchedule.class);
            if (schedule == null) {
                return;
            }
            String topic = context.resolvePropertyPlaceholders("{{monitor.topic.tracking}}");
            int partitions = Integer.parseInt(context.resolvePropertyPlaceholders("{{monitor.tracking.partitions}}").strip());
            JobLookup lookup = new JobLookup(schedule, topic, partitions, Clock.systemUTC());
            router.route(HttpMethod.GET, PATH).handler(lookup);
            router.route(HttpMethod.GET, PATH + "/:id").handler(lookup);
        } catch (RuntimeException e) {
            LOG.warn("No job lookup on the management port: {}", e.getMessage());
        }
    }

    /** Whether a request path is the lookup's (the guard asks: details only). */
    static boolean isLookup(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** One answer: HTTP status and JSON body. */
    record Answer(int status, String json) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        // the schedule's lock is shared with the checks: off the event loop
        ctx.vertx().executeBlocking(() -> id == null ? summary() : job(id), false).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            ctx.response().putHeader("content-type", "application/json").setStatusCode(result.result().status())
                    .end(result.result().json());
        });
    }

    /** {@code GET /observe/jobs/{id}}. A malformed ID is refused without being repeated. */
    Answer job(String id) throws JsonProcessingException {
        if (!JobId.isValid(id)) {
            return answer(400, Map.of("error", "not an AMS v2 job ID; expected nb:jid:UUID:<uuid>, "
                    + "for example nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11"));
        }
        String canonical = canonical(id);
        JobSnapshot snapshot = schedule.snapshot(id);
        if (snapshot == null && !canonical.equals(id)) {
            snapshot = schedule.snapshot(canonical);
        }
        if (snapshot != null) {
            return answer(200, describe(snapshot, clock.instant()));
        }
        int owner = partitionOf(canonical, partitions);
        List<Integer> ours = schedule.partitionsOwned();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", canonical);
        body.put("tracked", false);
        body.put("partition", owner);
        body.put("partitionsOwnedHere", ours);
        body.put("message", ours.contains(owner)
                ? "Not tracked: partition " + owner + " of " + topic + " is this instance's, and holds no such job"
                        + " (never taken in, or its tracking ended: final, dead-lettered or expired)."
                : "Not tracked here: partition " + owner + " of " + topic + " owns this ID; ask the instance that"
                        + " owns partition " + owner + ".");
        return answer(404, body);
    }

    /** {@code GET /observe/jobs}. */
    Answer summary() throws JsonProcessingException {
        JobSchedule.Summary summary = schedule.summary(MOST_OVERDUE);
        Instant now = clock.instant();
        Map<String, Integer> byState = new LinkedHashMap<>();
        summary.byState().forEach((state, count) -> byState.put(JobSchedule.NOT_SEEN.equals(state) ? NOT_SEEN : state, count));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", summary.jobs());
        body.put("byState", byState);
        body.put("mostOverdue", summary.mostOverdue().stream().map(s -> describe(s, now)).toList());
        body.put("partitionsOwnedHere", summary.partitions());
        body.put("partitionsRestoring", summary.partitionsRestoring());
        return answer(200, body);
    }

    private static Map<String, Object> describe(JobSnapshot snapshot, Instant now) {
        TrackedJob job = snapshot.job();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.jobId());
        out.put("tracked", true);
        out.put("jobName", job.jobName());
        out.put("state", job.lastState() == null ? NOT_SEEN : job.lastState());
        out.put("progress", job.lastProgress());
        out.put("trackedSince", job.trackedSince());
        out.put("lastCheck", snapshot.sinceLastCheck() == null ? null : now.minus(snapshot.sinceLastCheck()).toString());
        out.put("nextCheck", snapshot.untilNextCheck() == null ? null : now.plus(snapshot.untilNextCheck()).toString());
        out.put("overdueSeconds", snapshot.untilNextCheck() == null || !snapshot.untilNextCheck().isNegative() ? 0.0
                : snapshot.untilNextCheck().negated().toMillis() / 1000.0);
        out.put("inCheck", snapshot.inCheck());
        out.put("checks", snapshot.checks());
        out.put("notFoundChecks", job.notFoundAttempts());
        out.put("partition", snapshot.partition());
        out.put("partitionRestoring", snapshot.restoring());
        out.put("traceparent", job.traceparent());
        return out;
    }

    private Answer answer(int status, Object body) throws JsonProcessingException {
        return new Answer(status, json.writeValueAsString(body));
    }

    /** The ID's form as a key: the GUID in lower case (ams/JobId's canonical form, contract v3). */
    static String canonical(String id) {
        return "nb:jid:UUID:" + id.substring("nb:jid:UUID:".length()).toLowerCase(Locale.ROOT);
    }

    /** The partition Kafka's default partitioner gives a record with this key: murmur2 of the key's bytes. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
