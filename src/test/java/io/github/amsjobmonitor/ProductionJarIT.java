package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar {@code mvn package} makes, as shipped: the AMS simulator (and its default client secret) is
 * not in it. Run by failsafe in {@code verify}, after the shade plugin has written the jar.
 */
class ProductionJarIT {

    private static final String SIMULATOR_PACKAGE = "io/github/amsjobmonitor/simulator/";
    private static final String MONITOR_PACKAGE = "io/github/amsjobmonitor/";

    private static Path jar;

    @BeforeAll
    static void findTheJar() {
        String path = System.getProperty("production.jar");
        assertNotNull(path, "failsafe passes the packaged jar as -Dproduction.jar (see pom.xml)");
        jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), jar + " was not built");
    }

    @Test
    void should_hold_the_runnable_monitor() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry(MONITOR_PACKAGE + "Application.class"));
            assertEquals(Application.class.getName(), file.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    @Test
    void should_hold_no_simulator_class() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            // files only: a build tree from before the move may keep the package's empty folder, which holds nothing
            List<String> simulator = file.stream().filter(entry -> !entry.isDirectory()).map(JarEntry::getName)
                    .filter(name -> name.startsWith(SIMULATOR_PACKAGE)).toList();
            assertEquals(List.of(), simulator);
        }
    }

    @Test
    void should_hold_the_simulators_default_secret_nowhere_in_the_monitors_own_files() throws IOException {
        byte[] secret = SimulatorSettings.DEFAULT_CLIENT_SECRET.getBytes(StandardCharsets.UTF_8);
        List<String> holding = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().filter(ProductionJarIT::monitorsOwn).toList()) {
                try (InputStream in = file.getInputStream(entry)) {
                    if (contains(in.readAllBytes(), secret)) {
                        holding.add(entry.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), holding);
    }

    /** The monitor's classes and the resources at the jar's root (logback.xml); the libraries' files are theirs. */
    private static boolean monitorsOwn(JarEntry entry) {
        return !entry.isDirectory() && (entry.getName().startsWith(MONITOR_PACKAGE) || !entry.getName().contains("/"));
    }

    private static boolean contains(byte[] content, byte[] part) {
        outer:
        for (int i = 0; i <= content.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (content[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
