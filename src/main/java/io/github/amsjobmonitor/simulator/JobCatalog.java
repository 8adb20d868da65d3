package io.github.amsjobmonitor.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The simulated account's jobs, in registration order. Thread-safe. */
final class JobCatalog {

    private final Map<String, SimulatedJob> jobs = new LinkedHashMap<>();

    synchronized void add(SimulatedJob job) {
        jobs.put(job.id(), job);
    }

    synchronized Optional<JobEntity> observe(String id, Instant now) {
        SimulatedJob job = jobs.get(id);
        return job == null ? Optional.empty() : job.observeAt(now);
    }

    synchronized List<JobEntity> observeAll(Instant now) {
        return jobs.values().stream().flatMap(job -> job.observeAt(now).stream()).toList();
    }

    synchronized void clear() {
        jobs.clear();
    }
}
