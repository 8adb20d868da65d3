package io.github.amsjobmonitor.routes;

import io.github.amsjobmonitor.MonitorDefaults;
import io.github.amsjobmonitor.auth.EntraSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Checks a folder of route files the way a deployment would see them: each file against the YAML
 * DSL schema, then all of them together in a dry run (they call each other through direct: and
 * share the routeConfigurations). The validate command and the reload guard both use it.
 */
public final class RouteCheck {

    public static final String ROUTE_FILE_SUFFIX = ".camel.yaml";

    /** Required settings that are secrets or per-environment: a check needs only their shape. */
    private static final Map<String, String> STAND_INS = Map.of(
            "ams.api-url", "https://validate.invalid/api/",
            "azure.ad.tenant-id", "validate",
            "azure.ad.client-id", "validate",
            "azure.ad.client-secret", "validate");

    private RouteCheck() {
    }

    public static List<RouteProblem> check(Path folder, RouteDryRun.Setup setup) {
        List<Path> files = routeFiles(folder);
        if (files.isEmpty()) {
            return List.of(new RouteProblem(folder.toString(), 0, "no *" + ROUTE_FILE_SUFFIX + " files"));
        }
        List<RouteProblem> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                problems.addAll(RouteSchemaCheck.check(file.toString(), Files.readString(file)));
            } catch (IOException e) {
                problems.add(new RouteProblem(file.toString(), 0, "cannot be read: " + e.getMessage()));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(duplicateIds(files));
        }
        return problems.isEmpty() ? RouteDryRun.load(files, setup) : problems;
    }

    /** Camel would let the last file loaded replace a route of the same id without a word. */
    private static List<RouteProblem> duplicateIds(List<Path> files) {
        Map<String, Path> firstFile = new HashMap<>();
        List<RouteProblem> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                for (var id : RouteSchemaCheck.ids(Files.readString(file)).entrySet()) {
                    Path other = firstFile.putIfAbsent(id.getKey(), file);
                    if (other != null) {
                        problems.add(new RouteProblem(file.toString(), id.getValue(),
                                "id " + id.getKey() + " is already the id of a route in " + other));
                    }
                }
            } catch (IOException e) {
                problems.add(new RouteProblem(file.toString(), 0, "cannot be read: " + e.getMessage()));
            }
        }
        return problems;
    }

    public static List<Path> routeFiles(Path folder) {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(ROUTE_FILE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /**
     * For the validate command: settings from ./application.properties (and -D, environment),
     * stand-ins for the required secrets and URLs left blank there, beans made as camel-main makes them.
     */
    public static RouteDryRun.Setup standalone() {
        return dry -> {
            PropertiesComponent properties = dry.getPropertiesComponent();
            properties.setInitialProperties(MonitorDefaults.properties());
            properties.setLocation("file:application.properties;optional=true");
            Properties standIns = new Properties();
            // a certificate or federated token configured instead of a secret: a stand-in secret would be a second credential
            boolean credentialSet = EntraSettings.read(key -> properties.resolveProperty(key).orElse(null), System.getenv())
                    .hasCredential();
            STAND_INS.forEach((key, value) -> {
                if (key.equals("azure.ad.client-secret") && credentialSet) {
                    return;
                }
                if (properties.resolveProperty(key).filter(v -> !v.isBlank()).isEmpty()) {
                    standIns.put(key, value);
                }
            });
            properties.setOverrideProperties(standIns);
            MonitorBeans.create(dry);
        };
    }

    /** For a reload: the running monitor's settings and its very beans. */
    public static RouteDryRun.Setup like(CamelContext running) {
        return dry -> {
            // the settings the running routes were built with: files, -D and the overrides main was given
            Properties all = new Properties();
            if (running.getPropertiesComponent() instanceof org.apache.camel.component.properties.PropertiesComponent pc) {
                if (pc.getInitialProperties() != null) {
                    all.putAll(pc.getInitialProperties());
                }
                all.putAll(pc.loadProperties());
                if (pc.getOverrideProperties() != null) {
                    all.putAll(pc.getOverrideProperties());
                }
            } else {
                all.putAll(running.getPropertiesComponent().loadProperties());
            }
            dry.getPropertiesComponent().setOverrideProperties(all);
            MonitorBeans.bindFrom(running, dry);
        };
    }
}
