package io.github.amsjobmonitor.routes;

import io.github.amsjobmonitor.ContextEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.spi.CamelEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of Camel's live route reload (camel.main.routes-reload-enabled) and lets a change
 * through only when the whole routes folder, with the change, passes {@link RouteCheck}.
 *
 * <p>Why: Camel's RouteWatcherReloadStrategy (4.18) first stops and removes all running routes, then
 * loads the files again, and does not restore anything when that fails. Tried here with an unknown
 * bean in check-job.camel.yaml: the other 8 routes came back and check-job did not. Intake and check
 * went on consuming while every check failed for want of direct:check-job, until the next good edit.
 * A throwaway context checks the change first, so the running routes stay untouched, and the refusal
 * is one readable line.
 */
public final class RouteReloadGuard implements ResourceReload {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.amsjobmonitor.routes-reload");

    private final CamelContext running;
    private final Path folder;
    private final ResourceReload camelReload;
    private final RouteReloadStatus status;

    RouteReloadGuard(CamelContext running, Path folder, ResourceReload camelReload, RouteReloadStatus status) {
        this.running = running;
        this.folder = folder;
        this.camelReload = camelReload;
        this.status = status;
    }

    /**
     * Puts a guard in front of the reload strategy camel-main made, once the context has started it
     * (the strategy sets its own reload action when it starts). Does nothing when reload is off.
     */
    public static void installWhenStarted(CamelContext context) {
        ContextEvents.on(context, event -> event instanceof CamelEvent.CamelContextStartedEvent, event -> install(context));
    }

    static void install(CamelContext context) {
        RouteWatcherReloadStrategy strategy = context.hasService(RouteWatcherReloadStrategy.class);
        if (strategy == null || strategy.getResourceReload() instanceof RouteReloadGuard) {
            return;
        }
        RouteReloadStatus status = new RouteReloadStatus();
        status.setCamelContext(context);
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            status.countInto(meters);
        }
        HealthCheckHelper.getHealthCheckRegistry(context).register(status);
        context.getRegistry().bind("routeReloadStatus", status);
        Path folder = Path.of(strategy.getFolder());
        RouteReloadGuard guard = new RouteReloadGuard(context, folder, strategy.getResourceReload(), status);
        strategy.setResourceReload(guard);
        // a folder mounted from a ConfigMap (the kubelet makes its ..data link from the start) changes in a way
        // Camel's watcher does not see; any other folder needs no second watcher (and no thread waiting on one)
        if (java.nio.file.Files.exists(folder.resolve(ConfigMapSwapWatch.DATA_LINK), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                context.addService(new ConfigMapSwapWatch(context, folder, guard), true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot watch " + folder + " for ConfigMap changes", e);
            }
        }
    }

    @Override
    public synchronized void onReload(String name, Resource resource) throws Exception {
        // synchronized: Camel's watcher and the ConfigMap watch may hand over changes at the same time
        if (!resource.getLocation().endsWith(RouteCheck.ROUTE_FILE_SUFFIX)) {
            camelReload.onReload(name, resource);
            return;
        }
        String changed = folder.resolve(Path.of(resource.getLocation().replaceFirst("^file:", "")).getFileName()).toString();
        List<RouteProblem> problems = RouteCheck.check(folder, RouteCheck.like(running));
        if (!problems.isEmpty()) {
            RouteProblem problem = problems.get(0);
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: run validate)" : "";
            if (problem.file().equals(changed)) {
                LOG.warn("Refused a route change, the previous routes go on running: {}{}", problem, more);
            } else {
                LOG.warn("Refused the change to {}, the previous routes go on running: {}{}", changed, problem, more);
            }
            status.refused(problem);
            return;
        }
        try {
            camelReload.onReload(name, resource);
        } catch (Exception e) {
            // passed the check yet failed in the running context: rare (e.g. a resource taken meanwhile)
            RouteProblem problem = new RouteProblem(changed, 0, "reload failed after passing the check: " + e.getMessage());
            LOG.error("{}; routes that did not come back stay stopped until the next good change", problem);
            status.refused(problem);
            return;
        }
        LOG.info("Applied the change to {}", changed);
        status.applied();
    }
}
