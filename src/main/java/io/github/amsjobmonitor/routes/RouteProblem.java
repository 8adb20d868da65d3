package io.github.amsjobmonitor.routes;

/** One thing wrong with a route file, as an operator reads it: {@code routes/check.camel.yaml:12: what}. */
public record RouteProblem(String file, int line, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
