package io.github.amsjobmonitor.testsupport;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every job check the simulators saw ({@code Jobs()} queries, one entry per job named in a query), with the real
 * time it arrived (a simulator's own clock may be a {@link io.github.amsjobmonitor.simulator.ManualClock}) and
 * which simulator saw it: a test that gives each monitor instance a simulator of its own knows which instance
 * made each check.
 */
public final class CheckLog {

    /** One job in one {@code Jobs()} query. */
    public record Check(String jobId, Instant at, String by) {
    }

    private final Queue<Check> checks = new ConcurrentLinkedQueue<>();

    /** Records the checks {@code simulator} answers, as made by {@code by}. Replaces the simulator's query listener. */
    public CheckLog listenTo(AmsSimulator simulator, String by) {
        simulator.onJobsQuery((ids, at) -> {
            Instant now = Instant.now();
            ids.forEach(id -> checks.add(new Check(id, now, by)));
        });
        return this;
    }

    public List<Check> all() {
        return List.copyOf(checks);
    }

    /** The checks of one job, in arrival order. */
    public List<Check> of(String jobId) {
        return checks.stream().filter(c -> c.jobId().equals(jobId)).toList();
    }

    /** How many checks of the job arrived in [from, to). */
    public long count(String jobId, Instant from, Instant to) {
        return checks.stream().filter(c -> c.jobId().equals(jobId) && !c.at().isBefore(from) && c.at().isBefore(to)).count();
    }

    /** Checks per job (of {@code jobs}, zeros included) in [from, to). */
    public Map<String, Long> countPerJob(Collection<String> jobs, Instant from, Instant to) {
        Map<String, Long> counts = new TreeMap<>();
        jobs.forEach(id -> counts.put(id, 0L));
        checks.stream().filter(c -> counts.containsKey(c.jobId()) && !c.at().isBefore(from) && c.at().isBefore(to))
                .forEach(c -> counts.merge(c.jobId(), 1L, Long::sum));
        return counts;
    }

    /** Which instances checked each job (of {@code jobs}) in [from, to). */
    public Map<String, List<String>> checkersPerJob(Collection<String> jobs, Instant from, Instant to) {
        return checks.stream().filter(c -> jobs.contains(c.jobId()) && !c.at().isBefore(from) && c.at().isBefore(to))
                .collect(Collectors.groupingBy(Check::jobId, TreeMap::new,
                        Collectors.mapping(Check::by, Collectors.collectingAndThen(Collectors.toSet(),
                                set -> set.stream().sorted().toList()))));
    }

    /** The first check of the job after {@code instant}, if any. */
    public Optional<Instant> firstAfter(String jobId, Instant instant) {
        return checks.stream().filter(c -> c.jobId().equals(jobId) && c.at().isAfter(instant)).map(Check::at)
                .min(Instant::compareTo);
    }

    /** Whether every job of {@code jobs} was checked after {@code instant}. */
    public boolean allCheckedAfter(Collection<String> jobs, Instant instant) {
        Map<String, Boolean> seen = jobs.stream().collect(Collectors.toMap(Function.identity(), id -> false, (a, b) -> a));
        checks.forEach(c -> {
            if (c.at().isAfter(instant) && seen.containsKey(c.jobId())) {
                seen.put(c.jobId(), true);
            }
        });
        return !seen.containsValue(false);
    }

    /** The shortest time between two checks of the job arriving in [from, to): a second chain of checks shows here. */
    public Optional<Duration> shortestGap(String jobId, Instant from, Instant to) {
        List<Instant> times = checks.stream().filter(c -> c.jobId().equals(jobId) && !c.at().isBefore(from) && c.at().isBefore(to))
                .map(Check::at).sorted().toList();
        Duration shortest = null;
        for (int i = 1; i < times.size(); i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            if (shortest == null || gap.compareTo(shortest) < 0) {
                shortest = gap;
            }
        }
        return Optional.ofNullable(shortest);
    }
}
