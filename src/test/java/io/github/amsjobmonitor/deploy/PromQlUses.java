package io.github.amsjobmonitor.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression reads, enough to check them against a scrape: each metric name with
 * its label matchers, and the labels named in {@code by (...)}, {@code on (...)} and the like. Not a
 * PromQL parser: it knows the shapes the dashboard and the rules use (functions, aggregations,
 * binary operators, range selectors, Grafana's {@code $variables}), and no more.
 */
record PromQlUses(List<Selector> selectors, List<String> groupingLabels) {

    /** {@code name{label op "value", ...}}; op is =, !=, =~ or !~. */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    record LabelMatcher(String label, String op, String value) {
    }

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)\\})?");
    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    static PromQlUses of(String expression) {
        List<String> grouping = new ArrayList<>();
        Matcher g = GROUPING.matcher(expression);
        while (g.find()) {
            for (String label : g.group(2).split(",")) {
                if (!label.isBlank()) {
                    grouping.add(label.strip());
                }
            }
        }
        String rest = RANGE.matcher(GROUPING.matcher(expression).replaceAll(" ")).replaceAll(" ");
        List<Selector> selectors = new ArrayList<>();
        Matcher s = SELECTOR.matcher(rest);
        while (s.find()) {
            String name = s.group(1);
            int after = s.end();
            while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
                after++;
            }
            boolean function = s.group(2) == null && after < rest.length() && rest.charAt(after) == '(';
            boolean inNumber = s.start() > 0 && (Character.isDigit(rest.charAt(s.start() - 1)) || rest.charAt(s.start() - 1) == '.');
            if (function || inNumber || KEYWORDS.contains(name.toLowerCase()) || isInsideString(rest, s.start())) {
                continue;
            }
            selectors.add(new Selector(name, s.group(3) == null ? List.of() : matchers(s.group(3))));
        }
        return new PromQlUses(selectors, grouping);
    }

    private static List<LabelMatcher> matchers(String text) {
        List<LabelMatcher> matchers = new ArrayList<>();
        Matcher m = MATCHER.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3)));
            at = m.end();
        }
        if (!text.substring(at).isBlank()) {
            throw new IllegalArgumentException("cannot read the matchers {" + text + "}");
        }
        return matchers;
    }

    private static boolean isInsideString(String text, int index) {
        int quotes = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    /** The metric names read, in order of first use. */
    List<String> metrics() {
        Map<String, Boolean> names = new LinkedHashMap<>();
        selectors.forEach(s -> names.put(s.metric(), true));
        return List.copyOf(names.keySet());
    }
}
