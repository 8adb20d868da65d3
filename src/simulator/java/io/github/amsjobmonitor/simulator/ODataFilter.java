package io.github.amsjobmonitor.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one {@code $filter} shape the monitor may send: {@code Id eq '<job id>'} terms joined by
 * {@code " or "}. Anything else is rejected, so a client that builds filters sloppily (a quote in an
 * ID, a stray space, another operator) fails loudly in tests instead of matching the wrong jobs.
 */
public record ODataFilter(List<String> jobIds) {

    private static final Pattern TERM = Pattern.compile("Id eq '(" + SimulatedJob.ID_PATTERN.pattern() + ")'");
    private static final String OR = " or ";

    public ODataFilter {
        jobIds = List.copyOf(jobIds);
    }

    /** Parses a URL-decoded {@code $filter} value. */
    public static ODataFilter parse(String filter) {
        List<String> ids = new ArrayList<>();
        int position = 0;
        for (String term : filter.split(OR, -1)) {
            Matcher matcher = TERM.matcher(term);
            if (!matcher.matches()) {
                throw new InvalidFilterException(
                        "Syntax error at position " + position + " in '" + filter + "'.");
            }
            if (!ids.contains(matcher.group(1))) {
                ids.add(matcher.group(1));
            }
            position += term.length() + OR.length();
        }
        return new ODataFilter(ids);
    }

    public static final class InvalidFilterException extends IllegalArgumentException {
        InvalidFilterException(String message) {
            super(message);
        }
    }
}
