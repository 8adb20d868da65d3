package io.github.amsjobmonitor.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Route;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads a set of route files into a throwaway CamelContext whose routes are built but never
 * started: every endpoint is resolved (an unknown scheme or option fails), every bean reference and
 * bean method is looked up, every placeholder resolved, and no Kafka or HTTP connection is made
 * (producers and consumers connect only when their route starts).
 */
public final class RouteDryRun {

    /** Gives the throwaway context its settings and beans before the routes are loaded. */
    @FunctionalInterface
    public interface Setup {
        void prepare(CamelContext dry) throws Exception;
    }

    private RouteDryRun() {
    }

    public static List<RouteProblem> load(List<Path> files, Setup setup) {
        DefaultCamelContext dry = new DefaultCamelContext();
        dry.getCamelContextExtension().setName("route-check");
        dry.disableJMX();
        dry.setAutoStartup(false);
        dry.setSourceLocationEnabled(true);
        dry.setStartupSummaryLevel(StartupSummaryLevel.Off);
        try {
            setup.prepare(dry);
            // Camel warms up (starts) the producers even of routes that do not start: a Kafka producer
            // would reach for the brokers. A lazy producer is made when a message comes: never here.
            // (An HTTP producer only makes its client when started: no connection.)
            ((DefaultComponent) dry.getComponent("kafka")).setLazyStartProducer(true);
            List<Resource> resources = new ArrayList<>();
            for (Path file : files) {
                resources.add(ResourceHelper.resolveResource(dry, "file:" + file));
            }
            PluginHelper.getRoutesLoader(dry).loadRoutes(resources);
            dry.init();
            dry.start();
            List<RouteProblem> problems = new ArrayList<>(sharedInputs(dry));
            problems.addAll(RouteContract.problems(dry, files.isEmpty() ? null : files.get(0).getParent()));
            return problems;
        } catch (Exception e) {
            return List.of(describe(e, dry, files));
        } finally {
            dry.stop();
        }
    }

    /**
     * Routes that would not start together: the routes here are built but not started, and Camel
     * finds two routes consuming one direct: endpoint (a copied file, say) only when it starts them.
     */
    private static List<RouteProblem> sharedInputs(CamelContext dry) {
        Map<Endpoint, List<Route>> byInput = new LinkedHashMap<>();
        for (Route route : dry.getRoutes()) {
            byInput.computeIfAbsent(route.getEndpoint(), e -> new ArrayList<>()).add(route);
        }
        List<RouteProblem> problems = new ArrayList<>();
        byInput.forEach((input, routes) -> {
            boolean shareable = input instanceof MultipleConsumersSupport m && m.isMultipleConsumersSupported();
            if (routes.size() > 1 && !shareable) {
                Route second = routes.get(1);
                problems.add(new RouteProblem(sourceOf(second), lineOf(second),
                        "routes " + routes.stream().map(Route::getRouteId).toList() + " both consume " + input.getEndpointBaseUri()
                                + ": only one route may"));
            }
        });
        return problems;
    }

    private static int lineOf(Route route) {
        String location = route.getSourceLocation();
        return location != null && location.matches(".*:\\d+") ? Integer.parseInt(location.replaceFirst(".*:", "")) : 0;
    }

    private static String sourceOf(Route route) {
        return route.getSourceResource() == null ? route.getRouteId()
                : route.getSourceResource().getLocation().replaceFirst("^file:", "");
    }

    private static RouteProblem describe(Exception failure, CamelContext dry, List<Path> files) {
        Throwable root = failure;
        String routeId = null;
        String token = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException f && routeId == null) {
                routeId = f.getRouteId();
            } else if (t instanceof FailedToStartRouteException f && routeId == null) {
                routeId = f.getRouteId();
            }
            if (t instanceof NoSuchBeanException b) {
                token = b.getName();
            } else if (t instanceof ResolveEndpointFailedException r && token == null) {
                token = r.getUri().replaceFirst("[:?].*", "");
            } else if (t instanceof NoSuchEndpointException n && token == null && n.getUri() != null) {
                token = n.getUri().replaceFirst("[:?].*", "");
            }
            root = t;
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        Optional<RouteDefinition> route = Optional.ofNullable(routeId)
                .map(id -> dry.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition(id));
        if (route.isPresent() && route.get().getResource() != null) {
            Path file = Path.of(route.get().getResource().getLocation().replaceFirst("^file:", ""));
            int line = lineMentioning(file, token, route.get().getLineNumber());
            return new RouteProblem(file.toString(), line, "route " + routeId + ": " + message);
        }
        Path folder = files.isEmpty() ? Path.of(".") : files.get(0).getParent();
        return new RouteProblem(String.valueOf(folder), 0, "the routes cannot be loaded: " + message);
    }

    /** The first line naming the bad bean or endpoint scheme, else the route's own line. */
    private static int lineMentioning(Path file, String token, int routeLine) {
        if (token != null && !token.isBlank()) {
            try {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String text = lines.get(i).trim();
                    if (!text.startsWith("#") && text.matches(".*(ref|uri):\\s*\"?" + java.util.regex.Pattern.quote(token) + "\\b.*")) {
                        return i + 1;
                    }
                }
            } catch (java.io.IOException e) {
                return Math.max(routeLine, 0);
            }
        }
        return Math.max(routeLine, 0);
    }
}
