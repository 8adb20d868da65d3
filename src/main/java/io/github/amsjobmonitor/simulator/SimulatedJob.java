package io.github.amsjobmonitor.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A job whose state is a pure function of time: it appears at {@code appearsAt}, then walks through
 * {@code steps}, each lasting its duration; the last step lasts forever.
 */
public record SimulatedJob(String id, String name, Instant appearsAt, List<ScenarioStep> steps) {

    /** The only job ID shape AMS v2 hands out. */
    public static final Pattern ID_PATTERN = Pattern.compile(
            "nb:jid:UUID:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final DateTimeFormatter AMS_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public SimulatedJob {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("not an AMS v2 job ID: " + id);
        }
        Objects.requireNonNull(name, "name");
        appearsAt = appearsAt.truncatedTo(ChronoUnit.MILLIS); // AMS dates carry milliseconds only
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one step");
        }
        // AMS never leaves a final state: only the last step may be one
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i).state().isFinal()) {
                throw new IllegalArgumentException("final state " + steps.get(i).state() + " must be the last step");
            }
        }
    }

    public static SimulatedJob of(String id, String name, JobScenario scenario, Duration stepDuration, Instant appearsAt) {
        return new SimulatedJob(id, name, appearsAt, scenario.steps(stepDuration));
    }

    public static String randomId() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    /** The job as the API shows it at {@code now}; empty before it appears. */
    public Optional<JobEntity> observeAt(Instant now) {
        if (now.isBefore(appearsAt)) {
            return Optional.empty();
        }
        int current = 0;
        Instant enteredAt = appearsAt;
        Instant startTime = steps.get(0).state() == JobState.PROCESSING ? appearsAt : null;
        for (int i = 1; i < steps.size(); i++) {
            Instant next = enteredAt.plus(steps.get(i - 1).duration());
            if (now.isBefore(next)) {
                break;
            }
            current = i;
            enteredAt = next;
            if (startTime == null && steps.get(i).state() == JobState.PROCESSING) {
                startTime = next;
            }
        }
        JobState state = steps.get(current).state();
        Instant endTime = state.isFinal() ? enteredAt : null;
        // grows from the start of processing and freezes once the job is final
        double runningMillis = startTime == null ? 0.0
                : Duration.between(startTime, endTime != null ? endTime : now).toMillis();
        return Optional.of(new JobEntity(id, name, format(appearsAt), format(enteredAt), format(endTime), 0,
                runningMillis, format(startTime), state.code(), null, List.of()));
    }

    private static String format(Instant instant) {
        return instant == null ? null : AMS_DATE.format(instant);
    }
}
