package io.github.amsjobmonitor.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.SetPropertyDefinition;

/**
 * The names Java reads from the route files, in one place: route ids, step ids, exchange
 * properties and headers. Routes may change freely as long as they keep these; {@link #problems}
 * says which one a set of routes lost (the file and what is missing), and both the start
 * ({@link #checkWhenStarting}) and {@code validate} (through {@link RouteDryRun}) refuse such routes.
 */
public final class RouteContract {

    /** Routes suspended when Entra ID refuses the credentials (RefusedCredentialsStop). */
    public static final String INTAKE_ROUTE = "intake";
    public static final String CHECK_ROUTE = "check";
    public static final String CHECK_BATCH_ROUTE = "check-batch";
    /** The route whose exchanges MonitorMetrics counts as checks, and its input. */
    public static final String CHECK_JOB_ROUTE = "check-job";
    public static final String CHECK_JOB_ENDPOINT = "direct://check-job";
    /** The route policy that suspends a route when Entra ID refuses the credentials (auth/RefusedCredentialsStop). */
    public static final String REFUSED_CREDENTIALS_POLICY = "refusedCredentialsStop";
    /** The exchange property check-job sets to what the check observed (MonitorMetrics counts it by state). */
    public static final String OBSERVATION_PROPERTY = "observation";
    /** The headers of a dead letter (MonitorMetrics counts by code; KafkaHeaderFilter lets them be published). */
    public static final String ERROR_CODE_HEADER = "monitor-error-code";
    public static final String ERROR_REASON_HEADER = "monitor-error-reason";
    public static final String LAST_STATE_HEADER = "monitor-last-state";

    private enum Kind { ROUTE, POLICY, PROPERTY, HEADER }

    /** One name Java reads: where it must be (a route file named after its route), and who reads it. */
    private record Need(Kind kind, String name, String route, String reader) {
    }

    private static final List<Need> NEEDS = List.of(
            new Need(Kind.POLICY, REFUSED_CREDENTIALS_POLICY, INTAKE_ROUTE, "intake stops when Entra ID refuses the credentials"),
            new Need(Kind.POLICY, REFUSED_CREDENTIALS_POLICY, CHECK_ROUTE, "checks stop when Entra ID refuses the credentials"),
            new Need(Kind.POLICY, REFUSED_CREDENTIALS_POLICY, CHECK_BATCH_ROUTE, "checks stop when Entra ID refuses the credentials"),
            new Need(Kind.ROUTE, CHECK_JOB_ROUTE, CHECK_JOB_ROUTE, "MonitorMetrics counts its exchanges as checks"),
            new Need(Kind.PROPERTY, OBSERVATION_PROPERTY, CHECK_JOB_ROUTE, "MonitorMetrics counts checks and events by its state"),
            new Need(Kind.HEADER, ERROR_CODE_HEADER, "dead-letter-job", "MonitorMetrics counts dead letters by it"),
            new Need(Kind.HEADER, ERROR_CODE_HEADER, "dead-letter-input", "MonitorMetrics counts dead letters by it"),
            new Need(Kind.HEADER, ERROR_REASON_HEADER, "dead-letter-job", "KafkaHeaderFilter publishes it"),
            new Need(Kind.HEADER, ERROR_REASON_HEADER, "dead-letter-input", "KafkaHeaderFilter publishes it"));

    private RouteContract() {
    }

    /**
     * What the loaded routes lack of the names Java reads, one problem each, naming the file
     * (routes are named after their file) and what is missing.
     */
    public static List<RouteProblem> problems(CamelContext context, Path folder) {
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteProblem> problems = new ArrayList<>();
        for (Need need : NEEDS) {
            String file = String.valueOf(folder == null ? Path.of(fileOf(need)) : folder.resolve(fileOf(need)));
            Optional<RouteDefinition> route = Optional.ofNullable(need.route()).map(model::getRouteDefinition);
            String missing = switch (need.kind()) {
                case ROUTE -> route.isPresent() ? null : "no route with id " + need.name();
                case POLICY -> route.isEmpty() ? "no route with id " + need.route()
                        : names(route.get().getRoutePolicyRef(), need.name()) ? null
                        : "route " + need.route() + " names no routePolicy " + need.name();
                case PROPERTY -> route.isEmpty() || !sets(route.get(), SetPropertyDefinition.class, need.name())
                        ? "route " + need.route() + " sets no exchange property " + need.name() : null;
                case HEADER -> route.isEmpty() || !sets(route.get(), SetHeaderDefinition.class, need.name())
                        ? "route " + need.route() + " sets no header " + need.name() : null;
            };
            if (missing != null) {
                problems.add(new RouteProblem(file, 0, missing + " (" + need.reader() + ")"));
            }
        }
        return problems;
    }

    /** Makes the start fail, before any route starts, when the loaded routes lack a name Java reads. */
    public static void checkWhenStarting(CamelContext context) {
        try {
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarting(CamelContext starting, boolean alreadyStarted) {
                    if (alreadyStarted) {
                        // routes added to a running context (a reload): RouteReloadGuard checked the whole folder first
                        return;
                    }
                    List<RouteProblem> problems = problems(starting, null);
                    if (!problems.isEmpty()) {
                        throw new IllegalStateException("The route files lack names the monitor reads: "
                                + problems.stream().map(RouteProblem::toString).toList());
                    }
                }

                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                    // checked while starting
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the route contract check", e);
        }
    }

    private static String fileOf(Need need) {
        return need.route() + RouteCheck.ROUTE_FILE_SUFFIX;
    }

    /** Whether a route's routePolicy (one reference or a comma-separated list) names the policy. */
    private static boolean names(String policyRefs, String policy) {
        return policyRefs != null && java.util.Arrays.stream(policyRefs.split(",")).map(String::strip).anyMatch(policy::equals);
    }

    private static <T extends ProcessorDefinition<?>> boolean sets(RouteDefinition route, Class<T> type, String name) {
        return ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), type).stream()
                .anyMatch(step -> name.equals(step instanceof SetPropertyDefinition p ? p.getName()
                        : ((SetHeaderDefinition) step).getName()));
    }
}
