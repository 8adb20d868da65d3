package io.github.amsjobmonitor.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md and docs/ stay true to the project: every relative link and anchor leads somewhere,
 * every monitor.*, ams.* and azure.* key they name exists in application.properties, every key of
 * application.properties is named on some page, every test class and method they cite exists, every
 * code block closes, every page says who it is for and is one click away from a README of at most 250
 * lines. The first eight tests read the real docs; the others prove on small pages that each check
 * catches what it should.
 */
class DocsTest {

    private static final Path PROJECT = Path.of("");

    @Test
    void should_lead_every_relative_link_and_anchor_of_the_docs_to_a_file_and_a_heading() {
        assertNoProblems(DocsCheck.brokenLinks(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_name_only_keys_that_application_properties_has() {
        assertNoProblems(DocsCheck.unknownKeys(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_name_every_key_of_application_properties_on_some_page() {
        assertNoProblems(DocsCheck.undocumentedKeys(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_cite_only_tests_that_exist() {
        assertNoProblems(DocsCheck.unknownTests(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_begin_every_docs_page_with_the_reader_it_is_for() {
        assertNoProblems(DocsCheck.pagesWithoutReader(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_close_every_code_block_of_the_docs() {
        assertNoProblems(DocsCheck.unclosedCodeBlocks(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_link_every_docs_page_from_the_readme() {
        assertNoProblems(DocsCheck.pagesNotLinkedFromReadme(PROJECT, DocsCheck.pages(PROJECT)));
    }

    @Test
    void should_keep_the_readme_to_at_most_250_lines() {
        int lines = DocsCheck.pages(PROJECT).get(0).lines().size();
        assertTrue(lines <= 250, "README.md has " + lines + " lines: move the detail to the page under docs/ that fits");
    }

    // ---- the checks themselves, on small pages ----

    @Test
    void should_make_anchors_as_github_does() {
        assertEquals("https-where-the-token-may-go", MarkdownPage.anchorOf("HTTPS: where the token may go"));
        assertEquals("health-observehealth-observehealthready", MarkdownPage.anchorOf("Health: `/observe/health`, `/observe/health/ready`"));
        assertEquals("monitoramsmax-in-flight-chosen-16", MarkdownPage.anchorOf("monitor.ams.max-in-flight: chosen 16"));
        assertEquals("producers-bad-input", MarkdownPage.anchorOf("Producers' bad input"));
        assertEquals("a-saslscram-cluster-tls-private-ca", MarkdownPage.anchorOf("A SASL/SCRAM cluster (TLS, private CA)"));
        assertEquals("where-is-job-x", MarkdownPage.anchorOf("Where is job X?"));
        assertEquals("see-the-page", MarkdownPage.anchorOf("See [the page](other.md)"));
        assertEquals("monitor_jobs_tracked--by-state", MarkdownPage.anchorOf("monitor_jobs_tracked — by state"));
    }

    @Test
    void should_number_repeated_headings_and_skip_headings_in_code_blocks() {
        MarkdownPage page = MarkdownPage.parse(Path.of("page.md"), List.of(
                "# Title", "## Metrics", "```", "## Metrics", "# TYPE monitor_checks_total counter", "```",
                "## Metrics", "~~~~", "```", "## Inside", "~~~~", "## Metrics"));
        assertEquals(Set.of("title", "metrics", "metrics-1", "metrics-2"), page.anchors());
    }

    @Test
    void should_report_a_missing_file_an_unknown_anchor_and_nothing_for_good_or_outside_links(@TempDir Path root) throws IOException {
        write(root, "README.md", """
                # Readme
                [ok](docs/a.md#first-part) [ok too](#readme) [web](https://example.com/x.md#nowhere)
                [gone](docs/missing.md) [wrong anchor](docs/a.md#second-part)
                `[in code](docs/missing.md)`
                ```
                [in a block](docs/missing.md)
                ```
                [ref]: docs/also-missing.md
                """);
        write(root, "docs/a.md", """
                # First part
                [back](../README.md#readme) [source](../src/Main.java#L3) [up and out](../../elsewhere.md)
                """);
        write(root, "src/Main.java", "class Main {}\n");

        assertEquals(List.of(
                        "README.md:3: link to docs/missing.md: no such file",
                        "README.md:3: link to docs/a.md#second-part: docs/a.md has no heading with the anchor #second-part",
                        "README.md:8: link to docs/also-missing.md: no such file",
                        "docs/a.md:2: link to ../../elsewhere.md: no such file"),
                DocsCheck.brokenLinks(root, DocsCheck.pages(root)));
    }

    @Test
    void should_report_a_named_key_the_properties_lack_and_a_key_no_page_names(@TempDir Path root) throws IOException {
        write(root, "application.properties", """
                monitor.poll.interval = 15s
                ams.breaker.window = 20
                # monitor.commented.out = 1
                camel.main.name = ams-job-monitor
                camel.main.name-more = a longer key is not named by the shorter one
                camel.component.kafka.additional-properties[max.request.size] = 1000000
                monitor.progress.step = 5
                """);
        write(root, "src/main/resources/logback.xml", "<variable name=\"f\" value=\"${monitor.log.format:-text}\"/>\n");
        write(root, "README.md", """
                # Readme
                `monitor.poll.interval`, `-Dmonitor.log.format=json`, `ams.breaker.*`, `monitor.<what>.interval`
                io.github.amsjobmonitor.ams.AmsBase, ams-job-monitor.jar, azure.workload.identity/use, *.media.azure.net
                ```properties
                monitor.pol.interval = 1s
                ```
                `azure.nothing.*` and `monitor.commented.out`
                `camel.main.name-more`, `camel.component.kafka.additional-properties[max.request.size]`, `monitor.progress.step-size`
                """);
        write(root, "docs/a.md", "For: x\n");

        List<MarkdownPage> pages = DocsCheck.pages(root);
        assertEquals(List.of(
                        "README.md:5: monitor.pol.interval is not a key of application.properties",
                        "README.md:7: azure.nothing.* stands for no key of application.properties",
                        "README.md:7: monitor.commented.out is not a key of application.properties",
                        "README.md:8: monitor.progress.step-size is not a key of application.properties"),
                DocsCheck.unknownKeys(root, pages));
        assertEquals(List.of(
                        "application.properties: ams.breaker.window is named on no page of README.md or docs/",
                        "application.properties: camel.main.name is named on no page of README.md or docs/",
                        "application.properties: monitor.progress.step is named on no page of README.md or docs/"),
                DocsCheck.undocumentedKeys(root, pages));
    }

    @Test
    void should_report_a_cited_test_class_or_method_that_does_not_exist(@TempDir Path root) throws IOException {
        write(root, "src/test/java/x/flow/RealTest.java", "class RealTest {\n    @Test\n    void should_work() {\n    }\n}\n");
        write(root, "src/test/java/x/ProductionJarIT.java", "class ProductionJarIT {\n}\n");
        write(root, "README.md", """
                # Readme
                `RealTest.should_work`, `flow/RealTest#should_work`, `should_work`, ProductionJarIT, *RouteTest, JIT, LIMIT
                `GoneTest.should_work`; `durability/RealTest`; `RealTest.should_fail`, `should_also_fail`
                `should_float` alone
                """);
        write(root, "docs/a.md", "For: x\n");

        assertEquals(List.of(
                        "README.md:3: GoneTest: no such test class under src/test/java",
                        "README.md:3: durability/RealTest: no such test class under src/test/java",
                        "README.md:3: RealTest has no method should_fail",
                        "README.md:3: RealTest has no method should_also_fail",
                        "README.md:4: should_float: no test class cited before it on the line"),
                DocsCheck.unknownTests(root, DocsCheck.pages(root)));
    }

    @Test
    void should_report_a_code_block_that_never_closes(@TempDir Path root) throws IOException {
        write(root, "README.md", "# Readme\n```yaml\na: b\n```\n\n```\nfirst: closed\n````\n");
        write(root, "docs/a.md", "For: x\n\n````\n```\nstill code\n");

        assertEquals(List.of("docs/a.md:3: this code block never closes"), DocsCheck.unclosedCodeBlocks(root, DocsCheck.pages(root)));
    }

    @Test
    void should_report_a_docs_page_the_readme_does_not_link_to(@TempDir Path root) throws IOException {
        write(root, "README.md", "# Readme\n[operating](docs/operating.md#health) [web](https://example.com/docs/lost.md)\n");
        write(root, "docs/operating.md", "For: x\n## Health\n");
        write(root, "docs/lost.md", "For: x\n");

        assertEquals(List.of("docs/lost.md: no link to it from README.md"), DocsCheck.pagesNotLinkedFromReadme(root, DocsCheck.pages(root)));
    }

    @Test
    void should_report_a_docs_page_that_does_not_say_who_it_is_for(@TempDir Path root) throws IOException {
        write(root, "README.md", "# Readme\nno reader line needed here\n");
        write(root, "docs/good.md", "# Good\n\nFor: the operator.\n");
        write(root, "docs/bare.md", "For: a team, without a title\n");
        write(root, "docs/bad.md", "# Bad\n\nStraight into the matter.\n");

        assertEquals(List.of("docs/bad.md: does not begin with a line \"For: <reader>\" after its title"),
                DocsCheck.pagesWithoutReader(root, DocsCheck.pages(root)));
    }

    @Test
    void should_find_keys_as_written_in_prose_code_spans_and_options() {
        Matcher keys = DocsCheck.MONITOR_KEY.matcher(
                "`ams.api-url`. -Dmonitor.poll.interval=1s {{monitor.topic.job-ids}} <monitor.group-id>-tracking azure.ad.client-certificate-*");
        List<String> found = keys.results().map(m -> m.group(1)).toList();
        assertEquals(List.of("ams.api-url", "monitor.poll.interval", "monitor.topic.job-ids", "monitor.group-id",
                "azure.ad.client-certificate-*"), found);
        assertTrue(DocsCheck.asRegex("monitor.topic.<name>").matcher("monitor.topic.job-ids").matches());
        assertTrue(DocsCheck.asRegex("ams.breaker.*").matcher("ams.breaker.open-seconds").matches());
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
    }
}
