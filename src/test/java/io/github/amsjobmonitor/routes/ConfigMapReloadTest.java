package io.github.amsjobmonitor.routes;

import static io.github.amsjobmonitor.routes.RouteReloadTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Route files mounted from a Kubernetes ConfigMap: the kubelet writes a changed ConfigMap into a new
 * hidden folder and swaps the {@code ..data} link onto it with one rename; the visible route files are
 * links through {@code ..data} and do not change themselves. Such a change is applied like a saved
 * file, and a broken one is refused like any other (RouteRefusalTest).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigMapReloadTest {

    private static final String PUBLISH_STATUS = "publish-status.camel.yaml";
    private static final String SERIALIZER = "              valueSerializer: io.cloudevents.kafka.CloudEventSerializer\n";

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KubeletFolder routes;

    @BeforeAll
    static void startOnAConfigMapFolder() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        Topics topics = Topics.unique();
        routes = KubeletFolder.ofShippedRoutes();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("camel.main.routes-include-pattern", "file:" + routes.path() + "/*.camel.yaml");
        settings.put("camel.main.routes-reload-enabled", "true");
        settings.put("camel.main.routes-reload-directory", routes.path().toString());
        monitor = RunningMonitor.start(settings, topics);
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(monitor, simulator);
    }

    @Test
    @Order(1)
    void should_apply_a_change_made_by_swapping_the_data_link() {
        assertNull(monitor.context().getProcessor("to-team-topic"));
        RouteReloadStatus status = RouteReloadTest.statusOf(monitor);

        routes.update(Map.of(PUBLISH_STATUS, routes.read(PUBLISH_STATUS).replace(SERIALIZER, SERIALIZER
                + "        - to:\n"
                + "            id: to-team-topic\n"
                + "            uri: kafka\n"
                + "            parameters:\n"
                + "              topic: team-copy\n"
                + "              valueSerializer: io.cloudevents.kafka.CloudEventSerializer\n")));

        await("the ConfigMap change applied", () -> status.appliedCount() == 1);
        assertNotNull(monitor.context().getProcessor("to-team-topic"), "the new step runs");
        assertAllRoutesStarted();
        assertEquals(0, status.refusedCount());
    }

    @Test
    @Order(2)
    void should_refuse_a_broken_change_made_the_same_way_and_keep_the_running_routes() {
        RouteReloadStatus status = RouteReloadTest.statusOf(monitor);
        long applied = status.appliedCount();

        routes.update(Map.of("check-job.camel.yaml",
                routes.read("check-job.camel.yaml").replace("              ref: jobTracker\n", "              ref: jobTrackers\n")));

        await("the broken ConfigMap change refused", () -> status.refusedCount() == 1);
        RouteProblem refusal = status.lastRefusal();
        assertTrue(refusal.file().endsWith("check-job.camel.yaml"), refusal.toString());
        assertTrue(refusal.message().contains("No bean could be found in the registry for: jobTrackers"), refusal.toString());
        assertEquals(applied, status.appliedCount());
        assertNotNull(monitor.context().getProcessor("to-team-topic"), "the routes that ran go on running");
        assertAllRoutesStarted();
    }

    private static void assertAllRoutesStarted() {
        List<String> ids = monitor.context().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList();
        assertTrue(ids.contains("check-job"), ids.toString());
        for (String id : ids) {
            assertEquals(ServiceStatus.Started, monitor.context().getRouteController().getRouteStatus(id), id);
        }
    }

    /**
     * A folder laid out as the kubelet lays out a ConfigMap volume (its AtomicWriter): the files in
     * {@code ..<timestamp>/}, {@code ..data -> ..<timestamp>}, and {@code x -> ..data/x} for each key.
     */
    static final class KubeletFolder {

        private final Path folder;
        private int version;

        private KubeletFolder(Path folder) {
            this.folder = folder;
        }

        static KubeletFolder ofShippedRoutes() {
            try {
                KubeletFolder mount = new KubeletFolder(Files.createTempDirectory("configmap-routes-"));
                Map<String, String> files = new HashMap<>();
                try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
                    for (Path file : shipped.filter(f -> f.toString().endsWith(RouteCheck.ROUTE_FILE_SUFFIX)).toList()) {
                        files.put(file.getFileName().toString(), Files.readString(file));
                    }
                }
                Path first = mount.writeVersion(files);
                Files.createSymbolicLink(mount.folder.resolve(ConfigMapSwapWatch.DATA_LINK), first.getFileName());
                for (String name : files.keySet()) {
                    Files.createSymbolicLink(mount.folder.resolve(name), Path.of(ConfigMapSwapWatch.DATA_LINK, name));
                }
                return mount;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path path() {
            return folder;
        }

        String read(String name) {
            try {
                return Files.readString(folder.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The kubelet's update: the whole new content in a new folder, then one atomic rename of the link. */
        void update(Map<String, String> changes) {
            try {
                Path current = folder.resolve(ConfigMapSwapWatch.DATA_LINK).toRealPath();
                Map<String, String> files = new HashMap<>();
                try (Stream<Path> listing = Files.list(current)) {
                    for (Path file : listing.toList()) {
                        files.put(file.getFileName().toString(), Files.readString(file));
                    }
                }
                files.putAll(changes);
                Path next = writeVersion(files);
                Path tmp = Files.createSymbolicLink(folder.resolve("..data_tmp"), next.getFileName());
                Files.move(tmp, folder.resolve(ConfigMapSwapWatch.DATA_LINK), StandardCopyOption.ATOMIC_MOVE);
                try (Stream<Path> old = Files.walk(current)) {
                    for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
                        Files.delete(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path writeVersion(Map<String, String> files) throws IOException {
            Path dir = Files.createDirectory(folder.resolve(String.format("..2026_12_08_00_00_00.%09d", ++version)));
            for (var file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            return dir;
        }
    }
}
