package io.github.amsjobmonitor.docs;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks that keep README.md and docs/ from rotting, each returning what it found wrong as
 * "file:line: what" so that one failure lists every problem.
 */
final class DocsCheck {

    /**
     * A key of the monitor's own groups as written in the docs: after a blank, a quote, a bracket or
     * {@code -D}; segments of lower-case letters, digits and '-', where a wildcard ({@code ams.breaker.*})
     * or a placeholder ({@code monitor.topic.<name>}) may stand for part of it. Not after '.', '-' or a
     * letter ({@code io.github.amsjobmonitor.ams.AmsBase}, {@code ams-job-monitor.jar}), not before '/'
     * ({@code azure.workload.identity/use}).
     */
    static final Pattern MONITOR_KEY = Pattern.compile(
            "(?:(?<=-D)|(?<![\\w.\\-/$@*]))((?:monitor|ams|azure)(?:\\.(?:[a-z0-9-]|\\*|<[a-z0-9-]+>)+)++)(?![\\w/(])");
    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{((?:monitor|ams|azure)\\.[a-z0-9.-]+)[:}]");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /**
     * A test the docs cite: {@code CapacityTest}, {@code durability/CapacityTest}, {@code ProductionJarIT},
     * with a method after '.' or '#'; or a method alone in a code span ({@code `should_...`}), which belongs
     * to the test cited before it on the line. Not a pattern ({@code *RouteTest}), nor a word in capitals
     * ({@code JIT}, {@code LIMIT}).
     */
    static final Pattern TEST_CITATION = Pattern.compile(
            "(?<![\\w*])(?:(\\w+)/)?([A-Z]\\w*[a-z](?:Test|IT))\\b(?:[.#](\\w+))?|`(should_\\w+)`");

    private DocsCheck() {
    }

    /** README.md and every page under docs/. */
    static List<MarkdownPage> pages(Path root) {
        List<MarkdownPage> pages = new ArrayList<>();
        pages.add(MarkdownPage.read(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().map(MarkdownPage::read).forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** Relative links whose file is missing, or whose anchor names no heading of the Markdown page it points to. */
    static List<String> brokenLinks(Path root, List<MarkdownPage> pages) {
        Map<Path, MarkdownPage> byFile = new HashMap<>();
        pages.forEach(p -> byFile.put(p.file().toAbsolutePath().normalize(), p));
        Path top = root.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        for (MarkdownPage page : pages) {
            Path from = page.file().toAbsolutePath().normalize();
            for (MarkdownPage.Link link : page.links()) {
                String target = link.target();
                if (target.startsWith("//") || SCHEME.matcher(target).find()) {
                    continue; // not relative: another site's business
                }
                int hash = target.indexOf('#');
                String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path file = path.isEmpty() ? from
                        : (path.startsWith("/") ? top.resolve(path.substring(1)) : from.getParent().resolve(path)).normalize();
                String where = name(top, page.file()) + ":" + link.line() + ": ";
                if (!file.startsWith(top) || !Files.exists(file)) {
                    problems.add(where + "link to " + target + ": no such file");
                    continue;
                }
                if (anchor == null || !file.toString().endsWith(".md")) {
                    continue; // an anchor into source code (#L12) is GitHub's line number, not a heading
                }
                MarkdownPage linked = byFile.computeIfAbsent(file, MarkdownPage::read);
                if (!linked.anchors().contains(anchor)) {
                    problems.add(where + "link to " + target + ": " + name(top, linked.file()) + " has no heading with the anchor #" + anchor);
                }
            }
        }
        return problems;
    }

    /**
     * {@code monitor.*}, {@code ams.*} and {@code azure.*} keys named in the docs that the monitor does
     * not have: neither in application.properties nor among the variables logback.xml reads itself (the
     * log format is chosen before Camel reads application.properties). A wildcard or a placeholder must
     * stand for at least one key.
     */
    static List<String> unknownKeys(Path root, List<MarkdownPage> pages) {
        Set<String> known = new TreeSet<>(propertyKeys(root));
        known.addAll(logbackKeys(root));
        List<String> problems = new ArrayList<>();
        for (MarkdownPage page : pages) {
            for (int i = 0; i < page.lines().size(); i++) {
                Matcher key = MONITOR_KEY.matcher(page.lines().get(i));
                while (key.find()) {
                    String named = key.group(1);
                    boolean exists = isPattern(named)
                            ? known.stream().anyMatch(asRegex(named).asMatchPredicate())
                            : known.contains(named);
                    if (!exists) {
                        problems.add(name(root, page.file()) + ":" + (i + 1) + ": " + named
                                + (isPattern(named) ? " stands for no key" : " is not a key") + " of application.properties");
                    }
                }
            }
        }
        return problems;
    }

    /** Keys of application.properties that no page names in full (a wildcard documents none of them). */
    static List<String> undocumentedKeys(Path root, List<MarkdownPage> pages) {
        String docs = String.join("\n", pages.stream().map(MarkdownPage::text).toList());
        return propertyKeys(root).stream().filter(k -> !namedIn(docs, k))
                .map(k -> "application.properties: " + k + " is named on no page of README.md or docs/").toList();
    }

    /** docs/ pages the README does not link to: a newcomer finds the page for their task in one click. */
    static List<String> pagesNotLinkedFromReadme(Path root, List<MarkdownPage> pages) {
        Path readme = root.resolve("README.md").toAbsolutePath().normalize();
        MarkdownPage front = pages.stream().filter(p -> p.file().toAbsolutePath().normalize().equals(readme)).findFirst().orElseThrow();
        Set<Path> linked = new TreeSet<>();
        for (MarkdownPage.Link link : front.links()) {
            String path = link.target().replaceFirst("#.*", "");
            if (!path.isEmpty() && !SCHEME.matcher(path).find()) {
                linked.add(readme.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize());
            }
        }
        return pages.stream().map(p -> p.file().toAbsolutePath().normalize())
                .filter(p -> !p.equals(readme) && !linked.contains(p))
                .map(p -> name(root, p) + ": no link to it from README.md").toList();
    }

    /**
     * Tests the docs cite that src/test/java does not have: a class (in the package folder named before it,
     * if one is), or a method of it. A page that proves its promises with tests must not point to tests
     * that were renamed or removed.
     */
    static List<String> unknownTests(Path root, List<MarkdownPage> pages) {
        Map<String, Path> tests = new HashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("src/test/java"))) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .forEach(f -> tests.put(f.getFileName().toString().replace(".java", ""), f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> problems = new ArrayList<>();
        for (MarkdownPage page : pages) {
            for (int i = 0; i < page.lines().size(); i++) {
                String where = name(root, page.file()) + ":" + (i + 1) + ": ";
                String test = null; // the test cited last on the line
                boolean found = false;
                Matcher cited = TEST_CITATION.matcher(page.lines().get(i));
                while (cited.find()) {
                    if (cited.group(2) != null) {
                        test = cited.group(2);
                        String folder = cited.group(1);
                        Path file = tests.get(test);
                        found = file != null && (folder == null || file.getParent().getFileName().toString().equals(folder));
                        if (!found) {
                            problems.add(where + (folder == null ? "" : folder + "/") + test + ": no such test class under src/test/java");
                        }
                    }
                    String method = cited.group(4) != null ? cited.group(4) : cited.group(3);
                    if (method == null || (test != null && !found)) {
                        continue;
                    }
                    if (test == null) {
                        problems.add(where + method + ": no test class cited before it on the line");
                    } else if (!declares(tests.get(test), method)) {
                        problems.add(where + test + " has no method " + method);
                    }
                }
            }
        }
        return problems;
    }

    private static boolean declares(Path testClass, String method) {
        try {
            return Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(Files.readString(testClass)).find();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pages with a code block that never closes: everything after it would render as code. */
    static List<String> unclosedCodeBlocks(Path root, List<MarkdownPage> pages) {
        return pages.stream().filter(p -> p.unclosedFenceLine() > 0)
                .map(p -> name(root, p.file()) + ":" + p.unclosedFenceLine() + ": this code block never closes").toList();
    }

    /**
     * Whether the text names this key in full, delimited as {@link #MONITOR_KEY} delimits keys: not
     * as part of a longer key ({@code monitor.progress.step} is not named by {@code monitor.progress.step-size}
     * nor by {@code x.monitor.progress.step.more}). Literal, so that keys such as
     * {@code camel.component.kafka.additional-properties[max.request.size]} are found too.
     */
    private static boolean namedIn(String text, String key) {
        return Pattern.compile("(?:(?<=-D)|(?<![\\w.\\-/$@*]))" + Pattern.quote(key) + "(?![\\w-]|\\.[a-z0-9])").matcher(text).find();
    }

    /** docs/ pages that do not begin (after their title) with a line "For: <reader>". */
    static List<String> pagesWithoutReader(Path root, List<MarkdownPage> pages) {
        return pages.stream().filter(p -> !p.file().getFileName().toString().equals("README.md"))
                .filter(p -> p.lines().stream().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst()
                        .map(l -> !l.startsWith("For: ")).orElse(true))
                .map(p -> name(root, p.file()) + ": does not begin with a line \"For: <reader>\" after its title").toList();
    }

    static Set<String> propertyKeys(Path root) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(root.resolve("application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeSet<>(properties.stringPropertyNames());
    }

    private static Set<String> logbackKeys(Path root) {
        Set<String> keys = new TreeSet<>();
        try {
            Matcher variable = LOGBACK_VARIABLE.matcher(Files.readString(root.resolve("src/main/resources/logback.xml")));
            while (variable.find()) {
                keys.add(variable.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /** A file as the problem lines name it: its path inside the project, with '/'. */
    private static String name(Path root, Path file) {
        Path relative = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        return relative.toString().replace('\\', '/');
    }

    private static boolean isPattern(String key) {
        return key.contains("*") || key.contains("<");
    }

    /** {@code *} stands for anything, {@code <name>} for one segment or part of one. */
    static Pattern asRegex(String key) {
        StringBuilder regex = new StringBuilder();
        Matcher part = Pattern.compile("\\*|<[a-z0-9-]+>|[^*<]+").matcher(key);
        while (part.find()) {
            String p = part.group();
            regex.append(p.equals("*") ? ".*" : p.startsWith("<") ? "[a-z0-9-]+" : Pattern.quote(p));
        }
        return Pattern.compile(regex.toString());
    }
}
