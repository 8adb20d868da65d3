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
import java.util.stream.IntStream;

/**
 * A job whose state is a pure function of time: it appears at {@code appearsAt}, then walks through
 * {@code steps}, each lasting its duration; the last step lasts forever. Its tasks and their
 * progress follow from {@code scenario} ({@code null} for explicit steps: one task), see
 * {@link #observeTasksAt(Instant)}.
 */
public record SimulatedJob(String id, String name, Instant appearsAt, List<ScenarioStep> steps, JobScenario scenario) {

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

    /** A job with explicit steps, and so one task rising from 0 to 90 over its first Processing step. */
    public SimulatedJob(String id, String name, Instant appearsAt, List<ScenarioStep> steps) {
        this(id, name, appearsAt, steps, null);
    }

    public static SimulatedJob of(String id, String name, JobScenario scenario, Duration stepDuration, Instant appearsAt) {
        return new SimulatedJob(id, name, appearsAt, scenario.steps(stepDuration), scenario);
    }

    public static String randomId() {
        return "nb:jid:UUID:" + UUID.randomUUID();
    }

    /** The job as the API shows it at {@code now}; empty before it appears. */
    public Optional<JobEntity> observeAt(Instant now) {
        return timelineAt(now).map(at -> {
            // grows from the start of processing and freezes once the job is final
            double runningMillis = at.startTime() == null ? 0.0
                    : Duration.between(at.startTime(), at.endTime() != null ? at.endTime() : now).toMillis();
            return new JobEntity(id, name, format(appearsAt), format(at.enteredAt()), format(at.endTime()), 0,
                    runningMillis, format(at.startTime()), at.state().code(), null, List.of());
        });
    }

    /** How many tasks the job has: FINISH 2, ERROR 2, CANCEL 1, LONG_RUNNING 1, explicit steps 1. */
    public int taskCount() {
        return TaskCurve.forScenario(scenario).size();
    }

    /** The job's tasks as {@code Jobs('<id>')/Tasks} shows them at {@code now}; empty before it appears. */
    public Optional<List<TaskEntity>> observeTasksAt(Instant now) {
        return observeTasksAt(now, null);
    }

    /** As {@link #observeTasksAt(Instant)}, with {@code progress[i]} (when not null) as task i's progress. */
    Optional<List<TaskEntity>> observeTasksAt(Instant now, double[] progress) {
        List<TaskCurve> curves = TaskCurve.forScenario(scenario);
        return timelineAt(now).map(at -> IntStream.range(0, curves.size())
                .mapToObj(i -> curves.get(i).observe(id, i, at, now, progress == null ? null : progress[i]))
                .toList());
    }

    /**
     * Where the job stands at a time: its state, when it entered it, when it first started processing,
     * when it ended, how long it has spent in Processing so far, and how long its first Processing step lasts.
     */
    record Timeline(JobState state, Instant enteredAt, Instant startTime, Instant endTime, Duration processed,
                    Duration processingStep) {
    }

    Optional<Timeline> timelineAt(Instant now) {
        if (now.isBefore(appearsAt)) {
            return Optional.empty();
        }
        int current = 0;
        Instant enteredAt = appearsAt;
        Instant startTime = steps.get(0).state() == JobState.PROCESSING ? appearsAt : null;
        Duration processed = Duration.ZERO;
        for (int i = 1; i < steps.size(); i++) {
            Instant next = enteredAt.plus(steps.get(i - 1).duration());
            if (now.isBefore(next)) {
                break;
            }
            if (steps.get(i - 1).state() == JobState.PROCESSING) {
                processed = processed.plus(steps.get(i - 1).duration());
            }
            current = i;
            enteredAt = next;
            if (startTime == null && steps.get(i).state() == JobState.PROCESSING) {
                startTime = next;
            }
        }
        JobState state = steps.get(current).state();
        if (state == JobState.PROCESSING) {
            processed = processed.plus(Duration.between(enteredAt, now));
        }
        Duration processingStep = steps.stream().filter(step -> step.state() == JobState.PROCESSING)
                .map(ScenarioStep::duration).findFirst().orElse(Duration.ZERO);
        return Optional.of(new Timeline(state, enteredAt, startTime, state.isFinal() ? enteredAt : null, processed,
                processingStep));
    }

    static String format(Instant instant) {
        return instant == null ? null : AMS_DATE.format(instant);
    }
}
