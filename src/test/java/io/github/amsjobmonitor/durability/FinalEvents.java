package io.github.amsjobmonitor.durability;

import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.JobState;
import io.github.amsjobmonitor.simulator.ScenarioStep;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import io.github.amsjobmonitor.testsupport.TopicWatcher.Seen;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the durability tests assert about final events: each job's final event is on job-status and on its
 * outcome topic with the same ce_id. Repeats (the same ce_id again) are allowed by the contract, so they are
 * counted apart, never as a failure.
 */
final class FinalEvents {

    private FinalEvents() {
    }

    /** The final state a scenario or step list ends in, by its event name (Finished, Error, Canceled). */
    static String finalState(JobScenario scenario) {
        return scenario.states().get(scenario.states().size() - 1).displayName();
    }

    static String finalState(List<ScenarioStep> steps) {
        JobState last = steps.get(steps.size() - 1).state();
        if (!last.isFinal()) {
            throw new IllegalArgumentException("the steps do not end in a final state: " + steps);
        }
        return last.displayName();
    }

    static String outcomeTopic(Topics topics, String finalState) {
        return switch (finalState) {
            case "Finished" -> topics.finished();
            case "Error" -> topics.errored();
            case "Canceled" -> topics.canceled();
            default -> throw new IllegalArgumentException("not a final state: " + finalState);
        };
    }

    /**
     * The jobs (of {@code expected}: job ID to final state) whose final event is not yet both on job-status and,
     * with the same ce_id, on the outcome topic.
     */
    static List<String> missing(TopicWatcher watcher, Topics topics, Map<String, String> expected) {
        List<Seen> all = watcher.all();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> job : expected.entrySet()) {
            String state = job.getValue();
            Set<String> statusIds = all.stream()
                    .filter(s -> s.topic().equals(topics.jobStatus()) && job.getKey().equals(s.key()) && state.equals(s.state()))
                    .map(Seen::ceId).collect(Collectors.toSet());
            boolean onOutcome = all.stream()
                    .anyMatch(s -> s.topic().equals(outcomeTopic(topics, state)) && job.getKey().equals(s.key())
                            && state.equals(s.state()) && statusIds.contains(s.ceId()));
            if (statusIds.isEmpty() || !onOutcome) {
                missing.add(job.getKey());
            }
        }
        return missing;
    }

    /** Job IDs with at least one event on job-status. */
    static Set<String> jobsWithEvents(TopicWatcher watcher, Topics topics) {
        return watcher.on(topics.jobStatus()).stream().map(Seen::key).collect(Collectors.toSet());
    }

    /** Job IDs with a final event (Finished, Error, Canceled) on job-status. */
    static Set<String> jobsWithFinalEvents(TopicWatcher watcher, Topics topics) {
        return watcher.on(topics.jobStatus()).stream()
                .filter(s -> Set.of("Finished", "Error", "Canceled").contains(s.state()))
                .map(Seen::key).collect(Collectors.toSet());
    }

    /** Distinct ce_ids per job and state on a topic; more than one means two events for one state change. */
    static Map<String, Long> distinctIdsPerJobAndState(TopicWatcher watcher, String topic) {
        return watcher.on(topic).stream().collect(Collectors.groupingBy(s -> s.key() + " " + s.state(), TreeMap::new,
                Collectors.mapping(Seen::ceId, Collectors.collectingAndThen(Collectors.toSet(), ids -> (long) ids.size()))));
    }

    /** Records on a topic minus distinct (job, ce_id): how many were repeats. */
    static long repeats(TopicWatcher watcher, String topic) {
        List<Seen> seen = watcher.on(topic);
        return seen.size() - seen.stream().map(s -> s.key() + " " + s.ceId()).distinct().count();
    }
}
