package io.github.amsjobmonitor.simulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated account's jobs, in registration order, with any task progress a test pinned. Thread-safe.
 * Looked up by ID in any letter case of its GUID, as AMS compares GUIDs.
 */
final class JobCatalog {

    private final Map<String, SimulatedJob> jobs = new LinkedHashMap<>();
    private final Map<String, double[]> pinnedProgress = new HashMap<>();

    synchronized void add(SimulatedJob job) {
        jobs.put(key(job.id()), job);
        pinnedProgress.remove(key(job.id()));
    }

    synchronized Optional<JobEntity> observe(String id, Instant now) {
        SimulatedJob job = jobs.get(key(id));
        return job == null ? Optional.empty() : job.observeAt(now);
    }

    synchronized List<JobEntity> observeAll(Instant now) {
        return jobs.values().stream().flatMap(job -> job.observeAt(now).stream()).toList();
    }

    synchronized Optional<List<TaskEntity>> observeTasks(String id, Instant now) {
        SimulatedJob job = jobs.get(key(id));
        return job == null ? Optional.empty() : job.observeTasksAt(now, pinnedProgress.get(key(id)));
    }

    synchronized void pinProgress(String id, double[] progress) {
        SimulatedJob job = jobs.get(key(id));
        if (job == null) {
            throw new IllegalArgumentException("no such job: " + id);
        }
        if (progress.length != job.taskCount()) {
            throw new IllegalArgumentException(job.id() + " has " + job.taskCount() + " tasks, got "
                    + progress.length + " progress values");
        }
        for (double value : progress) {
            if (!(value >= 0.0 && value <= 100.0)) {
                throw new IllegalArgumentException("progress must be within 0..100: " + value);
            }
        }
        pinnedProgress.put(key(id), progress.clone());
    }

    synchronized void unpinProgress(String id) {
        pinnedProgress.remove(key(id));
    }

    synchronized void clear() {
        jobs.clear();
        pinnedProgress.clear();
    }

    private static String key(String id) {
        return id == null ? null : id.toLowerCase(Locale.ROOT);
    }
}
