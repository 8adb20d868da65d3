package io.github.amsjobmonitor.auth;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When Entra ID refuses the client's credentials, the monitor stops taking work instead of burning
 * through its input: the Kafka consumer routes are suspended (their consumers pause, so nothing more
 * is read, committed or dead-lettered) and one ERROR line says why. The failing record itself is not
 * committed (see intake-errors.camel.yaml), so after the configuration is fixed and the monitor
 * restarted every job is read again.
 */
public class RefusedCredentialsStop {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedCredentialsStop.class);

    private final List<String> routeIds;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile CamelContext camelContext;

    public RefusedCredentialsStop(List<String> routeIds) {
        this.routeIds = List.copyOf(routeIds);
    }

    /** Listens to {@code tokens} for refused credentials and suspends routes of {@code context}. */
    public void attach(CamelContext context, TokenProvider tokens) {
        this.camelContext = context;
        tokens.onCredentialsRefused(this::stopTakingWork);
    }

    void stopTakingWork(CredentialsRefusedException refusal) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.error("{} Stopped taking work: routes {} suspended, nothing more is read, committed or dead-lettered."
                + " Fix azure.ad.client-id or the credential (client secret, secret file, certificate or federated token)"
                + " and restart the monitor.", refusal.getMessage(), routeIds);
        CamelContext context = camelContext;
        if (context == null) {
            return;
        }
        // not on the caller's thread: it is a consumer thread of one of these routes, and suspending
        // a route waits for its in-flight exchanges, which includes the caller's own
        ExecutorService executor = context.getExecutorServiceManager().newSingleThreadExecutor(this, "credentials-refused");
        executor.submit(() -> {
            for (String routeId : routeIds) {
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
