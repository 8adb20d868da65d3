package io.github.amsjobmonitor.auth;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When Entra ID refuses the client's credentials, the monitor stops taking work instead of burning
 * through its input: the routes that take work are suspended (their consumers pause, so nothing more
 * is read, committed or dead-lettered) and one ERROR line says why. The failing record itself is not
 * committed (see intake-errors.camel.yaml), so after the configuration is fixed and the monitor
 * restarted every job is read again.
 *
 * <p>A route policy, so that a route file says it is one of those routes
 * ({@code routePolicy: refusedCredentialsStop}) and no list of route IDs lives in Java. The trigger is
 * {@link TokenProvider}'s refusal wherever it is seen first (an AMS call, or a health probe asking for a
 * token). Camel's control bus (camel-controlbus) would suspend the same way, but it is an endpoint a route
 * step sends to: the error handler, which sees only the refusals that fail one of its exchanges, would
 * then hold the list of routes to stop.
 */
public class RefusedCredentialsStop extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedCredentialsStop.class);

    private final Set<String> routeIds = new ConcurrentSkipListSet<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile CamelContext camelContext;

    /** A route file names this policy: its route is one to suspend. */
    @Override
    public void onInit(Route route) {
        routeIds.add(route.getRouteId());
    }

    /** Listens to {@code tokens} for refused credentials and suspends the policy's routes of {@code context}. */
    public void attach(CamelContext context, TokenProvider tokens) {
        this.camelContext = context;
        tokens.onCredentialsRefused(this::stopTakingWork);
    }

    /** The routes this policy suspends (those whose file names it), sorted. */
    public List<String> routeIds() {
        return List.copyOf(routeIds);
    }

    void stopTakingWork(CredentialsRefusedException refusal) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        List<String> routes = routeIds();
        LOG.error("{} Stopped taking work: routes {} suspended, nothing more is read, committed or dead-lettered."
                + " Fix azure.ad.client-id or the credential (client secret, secret file, certificate or federated token)"
                + " and restart the monitor.", refusal.getMessage(), routes);
        CamelContext context = camelContext;
        if (context == null) {
            return;
        }
        // not on the caller's thread: it is a consumer thread of one of these routes, and suspending
        // a route waits for its in-flight exchanges, which includes the caller's own
        ExecutorService executor = context.getExecutorServiceManager().newSingleThreadExecutor(this, "credentials-refused");
        executor.submit(() -> {
            for (String routeId : routes) {
                try {
                    if (context.getRoute(routeId) != null) {
                        context.getRouteController().suspendRoute(routeId);
                    }
                } catch (Exception e) {
                    LOG.warn("Could not suspend route {}: {}", routeId, e.getMessage());
                }
            }
        });
        context.getExecutorServiceManager().shutdown(executor);
    }

    public boolean hasStopped() {
        return stopped.get();
    }
}
