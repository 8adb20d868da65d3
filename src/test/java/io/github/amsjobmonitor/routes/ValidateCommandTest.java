package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.testsupport.RouteFolder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code validate [folder]}: the shipped routes pass; each kind of broken edit fails with file:line: reason. */
class ValidateCommandTest {

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome validate(String folder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ValidateCommand.run(List.of(folder), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Outcome validateWith(String file, String from, String to) {
        RouteFolder routes = RouteFolder.copyOfShippedRoutes();
        routes.replace(file, from, to);
        return validate(routes.path().toString());
    }

    @Test
    void should_pass_every_shipped_route_file_with_a_one_line_summary() throws Exception {
        Outcome outcome = validate("routes");
        assertEquals(0, outcome.exitCode(), outcome.err());
        long files;
        try (var listing = java.nio.file.Files.list(java.nio.file.Path.of("routes"))) {
            files = listing.filter(f -> f.toString().endsWith(".camel.yaml")).count();
        }
        assertEquals("ok: " + files + " route files in routes follow the YAML DSL schema and load", outcome.out().strip());
        assertEquals("", outcome.err());
    }

    @Test
    void should_refuse_invalid_yaml_with_its_line() {
        Outcome outcome = validateWith("read-tasks.camel.yaml", "    shutdownRoute: Defer\n",
                "    shutdownRoute: Defer\n    bad: [unclosed\n");
        assertEquals(1, outcome.exitCode());
        // the parser notices the unclosed list on the line after the bad one
        int bad = lineOf("routes/read-tasks.camel.yaml", "    shutdownRoute: Defer") + 1;
        assertTrue(outcome.err().contains("read-tasks.camel.yaml:" + (bad + 1) + ": not valid YAML"), outcome.err());
    }

    @Test
    void should_refuse_a_schema_violation_with_its_line() {
        Outcome outcome = validateWith("remember-job.camel.yaml", "              - removeHeaders:", "              - removeHeaderz:");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("remember-job.camel.yaml:21: does not follow the YAML DSL schema: property 'removeHeaderz'"),
                outcome.err());
    }

    @Test
    void should_refuse_an_unknown_endpoint_scheme() {
        Outcome outcome = validateWith("publish-status.camel.yaml", "            uri: kafka\n", "            uri: kafak\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("publish-status.camel.yaml:26: route publish-status: No endpoint could be found for: kafak"),
                outcome.err());
    }

    @Test
    void should_refuse_an_unknown_bean_reference() {
        Outcome outcome = validateWith("check-job.camel.yaml", "              ref: jobTracker\n", "              ref: jobTrackers\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("check-job.camel.yaml:24: route check-job: No bean could be found in the registry for: jobTrackers"),
                outcome.err());
    }

    @Test
    void should_refuse_an_unknown_endpoint_option() {
        Outcome outcome = validateWith("dead-letter-job.camel.yaml", "              topic: \"{{monitor.topic.dead-letter}}\"\n",
                "              topic: \"{{monitor.topic.dead-letter}}\"\n              noSuchOption: 1\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("dead-letter-job.camel.yaml") && outcome.err().contains("Unknown parameters=[{noSuchOption=1}]"),
                outcome.err());
    }

    @Test
    void should_refuse_two_routes_of_one_id() {
        RouteFolder routes = RouteFolder.copyOfShippedRoutes();
        routes.write("remember-job-copy.camel.yaml", routes.read("remember-job.camel.yaml"));
        Outcome outcome = validate(routes.path().toString());
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains(": id remember-job is already the id of a route in "), outcome.err());
    }

    @Test
    void should_refuse_a_route_that_could_not_start_beside_the_others() {
        RouteFolder routes = RouteFolder.copyOfShippedRoutes();
        routes.write("remember-job-copy.camel.yaml", routes.read("remember-job.camel.yaml")
                .replace("id: remember-job\n", "id: remember-job-copy\n").replace("id: when-worth-writing", "id: when-worth-writing-copy")
                .replace("id: to-tracking\n", "id: to-tracking-copy\n").replace("id: due-again", "id: due-again-copy"));
        Outcome outcome = validate(routes.path().toString());
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("both consume direct://remember-job: only one route may"), outcome.err());
    }

    @Test
    void should_refuse_an_emptied_file() {
        Outcome outcome = validateWith("publish-progress.camel.yaml", RouteFolder.copyOfShippedRoutes().read("publish-progress.camel.yaml"), "");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("publish-progress.camel.yaml: defines no route"), outcome.err());
    }

    @Test
    void should_refuse_routes_that_lost_an_exchange_property_the_java_code_reads() {
        Outcome outcome = validateWith("check-job.camel.yaml", "            name: observation\n", "            name: observed\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("check-job.camel.yaml: route check-job sets no exchange property observation"),
                outcome.err());
    }

    @Test
    void should_refuse_routes_that_lost_the_route_policy_that_stops_them_on_refused_credentials() {
        Outcome outcome = validateWith("intake.camel.yaml", "    routePolicy: refusedCredentialsStop,intakeCapacity\n",
                "    routePolicy: intakeCapacity\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("intake.camel.yaml: route intake names no routePolicy refusedCredentialsStop"),
                outcome.err());
    }

    @Test
    void should_refuse_routes_that_lost_a_header_the_java_code_reads() {
        Outcome outcome = validateWith("dead-letter-input.camel.yaml", "            name: monitor-error-code\n",
                "            name: error-code\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("dead-letter-input.camel.yaml: route dead-letter-input sets no header monitor-error-code"),
                outcome.err());
    }

    @Test
    void should_refuse_routes_without_a_route_the_java_code_reads() {
        Outcome outcome = validateWith("check-batch.camel.yaml", "    id: check-batch\n", "    id: check-batches\n");
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("check-batch.camel.yaml: no route with id check-batch"), outcome.err());
    }

    @Test
    void should_declare_every_beans_name_on_its_method() {
        for (java.lang.reflect.Method method : io.github.amsjobmonitor.MonitorConfiguration.class.getMethods()) {
            org.apache.camel.BindToRegistry bean = method.getAnnotation(org.apache.camel.BindToRegistry.class);
            if (bean != null) {
                assertFalse(bean.value().isEmpty(), method.getName() + " binds a bean without declaring its name");
            }
        }
    }

    /** The 1-based line of the shipped file that is exactly {@code text}. */
    private static int lineOf(String file, String text) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of(file)).indexOf(text) + 1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
