package io.github.amsjobmonitor.observe;

import io.github.amsjobmonitor.ContextEvents;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.properties.PropertyFileAuthentication;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * Stands in front of Camel's management server, so that what it tells an unauthenticated caller is
 * status only. Camel's own health answer cannot be made safe by settings: any caller may ask for
 * {@code ?exposureLevel=full&data=true&stackTrace=true}, and the check messages and data hold the
 * client ID, URLs, brokers, topics and file paths. So:
 * <ul>
 * <li>health ({@code /observe/health}, {@code /live}, {@code /ready}) without credentials: the overall
 * status and each check's name and status, nothing else, whatever the query; 200 when UP, 503 when
 * DOWN, as Camel answers (Kubernetes probes need no credentials);</li>
 * <li>with credentials accepted by Camel's management authentication
 * ({@code camel.management.authentication-enabled}, {@code basic-properties-file}): Camel's own
 * answer, details and all;</li>
 * <li>metrics ({@code /observe/metrics}) to anyone, as Prometheus scrapes (they hold no secret: see
 * MonitorMetrics), or only with credentials when {@code monitor.observe.metrics-need-credentials=true};</li>
 * <li>the job lookup ({@code /observe/jobs}, see {@link JobLookup}): details, so only with credentials;</li>
 * <li>{@code monitor.observe.details-without-authentication=true}: Camel's answers to anyone, for a
 * port that only trusted callers reach.</li>
 * </ul>
 * The guard is in place before the server accepts its first connection (see {@link #installBeforeServing}).
 */
public final class ManagementGuard implements Handler<RoutingContext> {

    static final String METRICS_PATH = "/observe/metrics";
    private static final String REALM = "ams-job-monitor";

    private final CamelContext camel;
    private final String healthPath;
    private final boolean detailsForAll;
    private final boolean metricsNeedCredentials;
    private final AuthenticationProvider credentials;

    ManagementGuard(CamelContext camel, String healthPath, boolean detailsForAll, boolean metricsNeedCredentials,
                    AuthenticationProvider credentials) {
        this.camel = camel;
        this.healthPath = healthPath;
        this.detailsForAll = detailsForAll;
        this.metricsNeedCredentials = metricsNeedCredentials;
        this.credentials = credentials;
    }

    /**
     * Puts the guard in front of the management server's health and metrics paths before the server
     * listens. The management server starts with the context's services, before tracking (which may
     * wait 30 s on Kafka) and the routes: a guard added to its router once it runs would leave Camel's
     * own handlers answering {@code ?exposureLevel=full&data=true} until then. The one hook Camel offers
     * before the server listens is its authentication configuration: Camel adds those handlers to the
     * router first, most specific path first (so before its own authentication on {@code /*}, when that
     * is on). Called while camel-main configures the context, after it made the server, before it starts it.
     */
    public static void installBeforeServing(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            // camel.management.enabled=false: no management port
            return;
        }
        String health = server.getHealthPath() == null ? "/observe/health" : server.getHealthPath();
        boolean authentication = Boolean.parseBoolean(setting(context, "camel.management.authentication-enabled", "false"));
        String file = setting(context, "camel.management.basic-properties-file", "");
        boolean detailsForAll = Boolean.parseBoolean(setting(context, "monitor.observe.details-without-authentication", "false"));
        boolean metricsNeedCredentials = Boolean.parseBoolean(setting(context, "monitor.observe.metrics-need-credentials", "false"));
        Map<Vertx, ManagementGuard> guards = new ConcurrentHashMap<>();
        Function<Vertx, ManagementGuard> guard = vertx -> guards.computeIfAbsent(vertx, v -> new ManagementGuard(context, health,
                detailsForAll, metricsNeedCredentials,
                authentication && !file.isBlank() ? PropertyFileAuthentication.create(v, file) : null));
        AuthenticationConfig handlers = server.getConfiguration().getAuthenticationConfig();
        for (String path : new String[] {health, health + "/live", health + "/ready", METRICS_PATH,
                JobLookup.PATH, JobLookup.PATH + "/*"}) {
            handlers.getEntries().add(new GuardedPath(path, guard));
        }
        handlers.setEnabled(true);
        // the lookup itself needs the running server's router; its paths are guarded from the first connection
        AtomicBoolean added = new AtomicBoolean();
        ContextEvents.on(context, event -> event instanceof CamelEvent.CamelContextRoutesStartingEvent
                || event instanceof CamelEvent.CamelContextStartedEvent, event -> {
            if (!added.get() && server.getRouter() != null) {
                JobLookup.addTo(context, server.getRouter());
                added.set(true);
            }
        });
    }

    /** One path the guard stands on, as Camel's server takes an authentication handler. */
    private static final class GuardedPath extends AuthenticationConfig.AuthenticationConfigEntry {
        private final Function<Vertx, ManagementGuard> guard;

        GuardedPath(String path, Function<Vertx, ManagementGuard> guard) {
            this.guard = guard;
            setPath(path);
        }

        @Override
        public Handler<RoutingContext> createAuthenticationHandler(Vertx vertx) {
            return guard.apply(vertx);
        }
    }

    private static String setting(CamelContext context, String key, String otherwise) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::strip).orElse(otherwise);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!metricsNeedCredentials && ctx.request().path().startsWith(METRICS_PATH)) {
            serveMetrics(ctx);
            return;
        }
        if (detailsForAll || ctx.user() != null) {
            ctx.next();
            return;
        }
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null && credentials != null) {
            UsernamePasswordCredentials given = basic(authorization);
            if (given == null) {
                refuse(ctx);
                return;
            }
            credentials.authenticate(given).onComplete(result -> {
                if (result.succeeded()) {
                    ctx.next();
                } else {
                    refuse(ctx);
                }
            });
            return;
        }
        if (ctx.request().path().startsWith(METRICS_PATH) || JobLookup.isLookup(ctx.normalizedPath())) {
            refuse(ctx);
            return;
        }
        String path = ctx.request().path();
        // health checks may block (a probe may ask Entra ID for a token): off the event loop
        ctx.vertx().executeBlocking(() -> statusOnly(path), false).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            ctx.response().putHeader("content-type", "application/json")
                    .setStatusCode(result.result().up() ? 200 : 503)
                    .end(result.result().json());
        });
    }

    /**
     * The Prometheus scrape, as Camel's own metrics handler answers it (OpenMetrics when asked for, else
     * text 0.0.4). Served here rather than passed on because Camel's management authentication, when
     * on, covers the whole port ({@code /*}) and would ask Prometheus for credentials.
     */
    private void serveMetrics(RoutingContext ctx) {
        PrometheusMeterRegistry registry = camel.getRegistry()
                .lookupByNameAndType(MonitorMetrics.CAMEL_REGISTRY_NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            // metrics are off: no such endpoint
            ctx.next();
            return;
        }
        String accept = ctx.request().getHeader("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
        ctx.vertx().executeBlocking(() -> registry.scrape(contentType), false).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            ctx.response().putHeader("content-type", contentType).end(result.result());
        });
    }

    /** The health answer an unauthenticated caller gets: UP/DOWN and each check's name and status. */
    record StatusOnly(boolean up, String json) {
    }

    StatusOnly statusOnly(String path) {
        boolean live = path.equals(healthPath + "/live");
        boolean ready = path.equals(healthPath + "/ready");
        Collection<HealthCheck.Result> results = live ? HealthCheckHelper.invokeLiveness(camel)
                : ready ? HealthCheckHelper.invokeReadiness(camel) : HealthCheckHelper.invoke(camel);
        boolean up = HealthCheckHelper.isResultsUp(results, ready);
        JsonArray checks = new JsonArray();
        for (HealthCheck.Result result : results) {
            JsonObject check = new JsonObject();
            check.put("name", result.getCheck().getId());
            check.put("status", result.getState().name());
            checks.add(check);
        }
        JsonObject answer = new JsonObject();
        answer.put("status", up ? "UP" : "DOWN");
        answer.put("checks", checks);
        return new StatusOnly(up, answer.toJson());
    }

    private void refuse(RoutingContext ctx) {
        if (credentials != null) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"").setStatusCode(401).end();
        } else {
            // no authentication configured: details are off, say how to turn them on
            ctx.response().setStatusCode(403).putHeader("content-type", "text/plain")
                    .end("needs camel.management.authentication-enabled (or monitor.observe.details-without-authentication=true)\n");
        }
    }

    private static UsernamePasswordCredentials basic(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new UsernamePasswordCredentials(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
