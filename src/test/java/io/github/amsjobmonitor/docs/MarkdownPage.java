package io.github.amsjobmonitor.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the docs checks need from one Markdown page, read as GitHub renders it: its headings' anchors,
 * its links, and the whole text (code blocks included) for configuration keys. A small reader rather
 * than a Markdown library: only ATX headings ({@code ## Title}), inline links, reference definitions
 * and fenced code blocks matter here, and none of the project's dependencies parses Markdown.
 * {@code unclosedFenceLine} is the line of a code block that never closes (it swallows the rest of
 * the page, links and headings included), 0 when every block closes.
 */
record MarkdownPage(Path file, List<String> lines, Set<String> anchors, List<Link> links, int unclosedFenceLine) {

    /** A link as written, with the line it is on (1-based). */
    record Link(int line, String target) {
    }

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern HEADING_LINK = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");
    /** What GitHub drops from a heading's text: all but letters, marks, digits, connector punctuation, '-' and ' '. */
    private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{M}\\p{Nd}\\p{Nl}\\p{No}\\p{Pc}\\- ]");

    static MarkdownPage read(Path file) {
        try {
            return parse(file, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MarkdownPage parse(Path file, List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Link> links = new ArrayList<>();
        String fence = null;
        int fenceLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fenceMark = FENCE.matcher(line);
            if (fence != null) {
                // a fence closes with the same character, at least as long, and nothing after it
                if (fenceMark.find() && fenceMark.group(1).charAt(0) == fence.charAt(0)
                        && fenceMark.group(1).length() >= fence.length() && line.substring(fenceMark.end()).isBlank()) {
                    fence = null;
                }
                continue;
            }
            if (fenceMark.find()) {
                fence = fenceMark.group(1);
                fenceLine = i + 1;
                continue;
            }
            String prose = CODE_SPAN.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(2).replace('[', '(').replace(']', ')')));
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String anchor = anchorOf(heading.group(1) == null ? "" : heading.group(1));
                int count = seen.merge(anchor, 1, Integer::sum);
                anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(prose);
            if (definition.matches()) {
                links.add(new Link(i + 1, definition.group(1)));
                continue;
            }
            Matcher link = INLINE_LINK.matcher(prose);
            while (link.find()) {
                links.add(new Link(i + 1, link.group(1)));
            }
        }
        return new MarkdownPage(file, List.copyOf(lines), Set.copyOf(anchors), List.copyOf(links), fence == null ? 0 : fenceLine);
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (code spans and link texts kept, their
     * markup dropped), lower case, punctuation dropped, each space a '-'. Repeats get -1, -2... (in
     * {@link #parse}).
     */
    static String anchorOf(String headingText) {
        String text = headingText.replaceAll("`+", "");
        text = HEADING_LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        text = text.strip().toLowerCase(Locale.ROOT);
        return NOT_IN_ANCHOR.matcher(text).replaceAll("").replace(' ', '-');
    }

    String text() {
        return String.join("\n", lines);
    }
}
