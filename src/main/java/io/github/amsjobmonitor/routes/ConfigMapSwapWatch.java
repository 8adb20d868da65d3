package io.github.amsjobmonitor.routes;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload for a routes folder mounted from a Kubernetes ConfigMap.
 *
 * <p>Why: the kubelet changes such a folder by writing the new files into a new hidden folder
 * ({@code ..2026_12_08_00_00_00.123456789/}) and renaming a link {@code ..data} onto it in one step;
 * the visible {@code x.camel.yaml} are links through {@code ..data} and are not touched. Camel's
 * reload (RouteWatcherReloadStrategy, 4.18) watches the folder's own entries, skips directories (the
 * new {@code ..data} resolves to one) and filters the rest by the pattern: it never sees the change.
 * This watches for {@code ..data} being replaced, compares the route files' content with what it
 * last saw, and hands a changed one to the reload guard, as Camel's watcher hands it a saved file:
 * the same check, the same refusal of a broken change. A folder without {@code ..data} never
 * triggers it.
 */
final class ConfigMapSwapWatch extends ServiceSupport implements Runnable {

    static final String DATA_LINK = "..data";
    private static final Logger LOG = LoggerFactory.getLogger("io.github.amsjobmonitor.routes-reload");

    private final CamelContext context;
    private final Path folder;
    private final ResourceReload reload;
    private Map<String, String> seen;
    private WatchService watcher;
    private ExecutorService thread;

    ConfigMapSwapWatch(CamelContext context, Path folder, ResourceReload reload) {
        this.context = context;
        this.folder = folder;
        this.reload = reload;
    }

    @Override
    protected void doStart() throws Exception {
        seen = routeFiles();
        watcher = folder.getFileSystem().newWatchService();
        folder.register(watcher, ENTRY_CREATE);
        thread = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ConfigMapSwapWatch");
        thread.submit(this);
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (thread != null) {
            context.getExecutorServiceManager().shutdown(thread);
        }
    }

    @Override
    public void run() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            boolean swapped = key.pollEvents().stream().anyMatch(event -> DATA_LINK.equals(String.valueOf(event.context())));
            if (!key.reset()) {
                return;
            }
            if (swapped) {
                try {
                    onSwap();
                } catch (Exception e) {
                    // the guard logs and counts refusals itself; this is a folder that could not be read
                    LOG.warn("Could not apply the ConfigMap change in {}: {}", folder, e.getMessage());
                }
            }
        }
    }

    /** One swap is one change: its first changed route file goes to the guard, which checks the whole folder. */
    private void onSwap() throws Exception {
        Map<String, String> now = routeFiles();
        List<String> changed = now.keySet().stream().filter(name -> !Objects.equals(now.get(name), seen.get(name))).toList();
        seen = now;
        if (changed.isEmpty()) {
            return;
        }
        LOG.info("The ConfigMap behind {} changed {}", folder, changed);
        String name = folder.resolve(changed.get(0)).toString();
        reload.onReload(name, PluginHelper.getResourceLoader(context).resolveResource("file:" + name));
    }

    /** Name and content of each route file, read through the links. */
    private Map<String, String> routeFiles() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> listing = Files.list(folder)) {
            for (Path file : listing.filter(p -> p.getFileName().toString().endsWith(RouteCheck.ROUTE_FILE_SUFFIX)).toList()) {
                if (Files.isRegularFile(file)) {
                    files.put(file.getFileName().toString(), Files.readString(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the routes folder " + folder, e);
        }
        return files;
    }
}
