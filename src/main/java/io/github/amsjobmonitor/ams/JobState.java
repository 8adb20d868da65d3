package io.github.amsjobmonitor.ams;

import java.util.Optional;

/**
 * The states of an AMS v2 job, with the integers the REST API uses for them.
 * Finished, Error and Canceled are final: the job will not change again.
 */
public enum JobState {
    Queued(0, false),
    Scheduled(1, false),
    Processing(2, false),
    Finished(3, true),
    Error(4, true),
    Canceled(5, true),
    Canceling(6, false);

    private final int code;
    private final boolean isFinal;

    JobState(int code, boolean isFinal) {
        this.code = code;
        this.isFinal = isFinal;
    }

    public int code() {
        return code;
    }

    public boolean isFinal() {
        return isFinal;
    }

    /** Empty for an integer this version does not know, so a new AMS state never crashes a route. */
    public static Optional<JobState> fromCode(Integer code) {
        if (code == null) {
            return Optional.empty();
        }
        for (JobState state : values()) {
            if (state.code == code) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** Parses a state name as written in events and tracking records; null stays null. */
    public static JobState fromName(String name) {
        return name == null ? null : valueOf(name);
    }
}
