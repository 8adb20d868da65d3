package io.github.amsjobmonitor.observe;

import io.vertx.core.Handler;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.properties.PropertyFileAuthentication;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
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
 * answer, details and all; metrics ({@code /observe/metrics}, whose labels name topics and
 * endpoints) and the job lookup ({@code /observe/jobs}, see {@link JobLookup}) only so;</li>
 * <li>{@code monitor.observe.details-without-authentication=true}: Camel's answers to anyone, for a
 * port that only trusted callers reach.</li>
 * </ul>
 */
public final class ManagementGuard implements Handler<RoutingContext> {

    static final String METRICS_PATH = "/observe/metrics";
    private static final String REALM = "ams-job-monitor";

    private final CamelContext camel;
    private final String healthPath;
    private final boolean detailsForAll;
    private final AuthenticationProvider credentials;

    ManagementGuard(CamelContext camel, String healthPath, boolean detailsForAll, AuthenticationProvider credentials) {
        this.camel = camel;
        this.healthPath = healthPath;
        this.detailsForAll = detailsForAll;
        this.credentials = credentials;
    }

    /** Puts the guard in front of the management server's health and metrics paths once it runs. */
    public static void installWhenStarted(CamelContext context) {
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            private boolean installed;

            @Override
            public void notify(CamelEvent event) {
                // the management server starts with the context's services, before the routes
                if (!installed) {
                    installed = install(context);
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextRoutesStartingEvent
                        || event instanceof CamelEvent.CamelContextStartedEvent;
            }
        });
    }

    static boolean install(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null) {
            return false;
        }
        VertxPlatformHttpRouter router = server.getRouter();
        boolean authentication = Boolean.parseBoolean(setting(context, "camel.management.authentication-enabled", "false"));
        String file = setting(context, "camel.management.basic-properties-file", "");
        AuthenticationProvider credentials = authentication && !file.isBlank()
                ? PropertyFileAuthentication.create(router.vertx(), file) : null;
        String health = server.getHealthPath() == null ? "/observe/health" : server.getHealthPath();
        ManagementGuard guard = new ManagementGuard(context, health,
                Boolean.parseBoolean(setting(context, "monitor.observe.details-without-authentication", "false")), credentials);
        // order -1: before Camel's own handlers (its health console, its authentication handler)
        for (String path : new String[] {health, health + "/live", health + "/ready", METRICS_PATH}) {
            router.route(path).order(-1).handler(guard);
        }
        // the job lookup: details, so behind the guard, and served only where the guard is
        router.route(JobLookup.PATH).order(-1).handler(guard);
        router.route(JobLookup.PATH + "/*").order(-1).handler(guard);
        JobLookup.addTo(context, router);
        return true;
    }

    private static String setting(CamelContext context, String key, String otherwise) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::strip).orElse(otherwise);
    }

    @Override
    public void handle(RoutingContext ctx) {
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
        if (JobLookup.isLookup(ctx.normalizedPath())) {
            refuse(ctx);
            return;
        }
        if (ctx.request().path().startsWith(METRICS_PATH)) {
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
