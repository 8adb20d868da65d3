package io.github.amsjobmonitor.events;

/** One error detail of a failed job, from its tasks' {@code ErrorDetails}: code, message, and the task's name. */
public record JobError(String code, String message, String task) {
}
