package io.github.amsjobmonitor.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A copy of the shipped routes/ folder in a temporary folder, for tests that edit route files. */
public final class RouteFolder {

    private final Path folder;
    private final Path scratch;

    private RouteFolder(Path folder, Path scratch) {
        this.folder = folder;
        this.scratch = scratch;
    }

    public static RouteFolder copyOfShippedRoutes() {
        try {
            Path folder = Files.createTempDirectory("routes-");
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
            return new RouteFolder(folder, Files.createTempDirectory("routes-scratch-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return folder;
    }

    public Path file(String name) {
        return folder.resolve(name);
    }

    public String read(String name) {
        try {
            return Files.readString(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file with {@code from} replaced by {@code to} (which must occur), written in one step. */
    public void replace(String name, String from, String to) {
        String text = read(name);
        if (!text.contains(from)) {
            throw new IllegalArgumentException(name + " does not contain " + from);
        }
        write(name, text.replace(from, to));
    }

    /**
     * Writes a file as an editor that saves by rename does: the watcher sees the whole new content
     * at once, never a half-written file.
     */
    public void write(String name, String text) {
        try {
            Path staged = Files.writeString(scratch.resolve(name), text);
            Files.move(staged, file(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The monitor's settings to load its routes from this folder and watch it. */
    public void useIn(java.util.Map<String, String> settings) {
        settings.put("camel.main.routes-include-pattern", "file:" + folder + "/*.camel.yaml");
        settings.put("camel.main.routes-reload-enabled", "true");
        settings.put("camel.main.routes-reload-directory", folder.toString());
    }

    public List<Path> files() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
