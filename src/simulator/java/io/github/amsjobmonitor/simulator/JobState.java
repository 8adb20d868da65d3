package io.github.amsjobmonitor.simulator;

/** AMS v2 job states with the integers the REST API puts in {@code State}. */
public enum JobState {
    QUEUED(0, "Queued"),
    SCHEDULED(1, "Scheduled"),
    PROCESSING(2, "Processing"),
    FINISHED(3, "Finished"),
    ERROR(4, "Error"),
    CANCELED(5, "Canceled"),
    CANCELING(6, "Canceling");

    private final int code;
    private final String displayName;

    JobState(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    public int code() {
        return code;
    }

    public String displayName() {
        return displayName;
    }

    /** Final states never change again; AMS stops touching the job. */
    public boolean isFinal() {
        return this == FINISHED || this == ERROR || this == CANCELED;
    }
}
