package io.github.amsjobmonitor.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/kubernetes agree with the application: the management port and paths,
 * environment variables that name real configuration keys, the ConfigMaps mounted where the monitor
 * reads its properties and routes (the routes as a whole folder, so that a ConfigMap change reaches
 * live reload), and a pod that runs as non-root on a read-only root file system. The probe and
 * metrics paths are asked of a running monitor in DashboardAndAlertsTest.
 */
class KubernetesManifestsTest {

    /** Set by Kubernetes, by the workload identity webhook or for the JVM: not configuration keys. */
    private static final Set<String> NOT_KEYS = Set.of("JAVA_TOOL_OPTIONS");
    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)m");

    private static Path root;
    private static Properties properties;
    private static Map<String, JsonNode> manifests;
    private static JsonNode pod;
    private static JsonNode container;

    @BeforeAll
    static void read() throws IOException {
        root = MonitorProcess.projectRoot();
        properties = new Properties();
        try (Reader in = Files.newBufferedReader(root.resolve("application.properties"))) {
            properties.load(in);
        }
        manifests = new HashMap<>();
        YAMLMapper yaml = new YAMLMapper();
        for (JsonNode resource : yaml.readTree(root.resolve("deploy/kubernetes/kustomization.yaml").toFile()).path("resources")) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class)
                    .readValues(root.resolve("deploy/kubernetes").resolve(resource.asText()).toFile())) {
                for (JsonNode doc : docs.readAll()) {
                    manifests.put(doc.path("kind").asText(), doc);
                }
            }
        }
        pod = manifests.get("Deployment").path("spec").path("template").path("spec");
        container = pod.path("containers").get(0);
    }

    static JsonNode deployment() {
        return manifests.get("Deployment");
    }

    @Test
    void should_list_every_manifest_of_the_folder_in_the_kustomization() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> listing = Files.list(root.resolve("deploy/kubernetes"))) {
            listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(files::add);
        }
        assertEquals(Set.of("Deployment", "ServiceAccount", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor"),
                manifests.keySet());
        assertEquals(files.size(), manifests.size(), "every manifest in kustomization.yaml: " + files);
    }

    @Test
    void should_use_the_management_port_of_the_application_everywhere() {
        int port = Integer.parseInt(properties.getProperty("camel.management.port"));
        assertEquals(port, container.path("ports").get(0).path("containerPort").asInt());
        assertEquals("management", container.path("ports").get(0).path("name").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("management", container.path(probe).path("httpGet").path("port").asText(), probe);
        }
        JsonNode service = manifests.get("Service").path("spec").path("ports").get(0);
        assertEquals(port, service.path("port").asInt());
        assertEquals("management", service.path("targetPort").asText());
        assertEquals(service.path("name").asText(), manifests.get("ServiceMonitor").path("spec").path("endpoints").get(0).path("port").asText());
        assertEquals(port, manifests.get("NetworkPolicy").path("spec").path("ingress").get(0).path("ports").get(0).path("port").asInt());
        assertEquals("monitoring", manifests.get("NetworkPolicy").path("spec").path("ingress").get(0).path("from").get(0)
                .path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asText());
        assertEquals(env().get("CAMEL_MANAGEMENT_HOST"), "0.0.0.0", "the kubelet probes the pod's IP, not loopback");
    }

    @Test
    void should_name_only_real_configuration_keys_in_the_environment() {
        Map<String, String> keysByVariable = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            keysByVariable.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), key);
        }
        List<String> unknown = new ArrayList<>();
        for (String name : env().keySet()) {
            if (!NOT_KEYS.contains(name) && !keysByVariable.containsKey(name)) {
                unknown.add(name);
            }
        }
        assertEquals(List.of(), unknown, "environment variables that set no key of application.properties");
        assertTrue(env().containsKey("AMS_API_URL"), "ams.api-url is required and has no default");
    }

    @Test
    void should_mount_the_configmaps_where_the_monitor_reads_properties_and_routes() {
        String workingDir = container.path("workingDir").asText();
        Map<String, JsonNode> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m));
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));

        assertEquals(workingDir + "/application.properties", mounts.get("config").path("mountPath").asText());
        assertEquals("application.properties", mounts.get("config").path("subPath").asText());
        // camel.main.routes-include-pattern = file:routes/*.camel.yaml, reload directory routes: relative to the working folder
        String include = properties.getProperty("camel.main.routes-include-pattern");
        Matcher folder = Pattern.compile("file:(.+)/\\*\\.camel\\.yaml").matcher(include);
        assertTrue(folder.matches(), include);
        assertEquals(folder.group(1), properties.getProperty("camel.main.routes-reload-directory"));
        assertEquals(workingDir + "/" + folder.group(1), mounts.get("routes").path("mountPath").asText());
        assertTrue(mounts.get("routes").path("subPath").isMissingNode(), "a subPath mount never sees a ConfigMap change");
        assertEquals("true", properties.getProperty("camel.main.routes-reload-enabled"));
        assertEquals("/tmp", mounts.get("tmp").path("mountPath").asText());
        assertTrue(volumes.get("tmp").has("emptyDir"));

        String script = read("deploy/kubernetes/configmaps");
        for (String volume : List.of("config", "routes")) {
            String configMap = volumes.get(volume).path("configMap").path("name").asText();
            assertTrue(script.contains("kubectl create configmap " + configMap + " "), configMap + " made by deploy/kubernetes/configmaps");
        }
        assertTrue(script.contains("--from-file=application.properties"), script);
        assertTrue(script.contains("routes/*.camel.yaml"), script);
    }

    @Test
    void should_run_as_non_root_on_a_read_only_root_file_system_with_workload_identity() {
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        assertTrue(pod.path("securityContext").path("runAsUser").asInt() > 0);
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertEquals(false, container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("true", deployment().path("spec").path("template").path("metadata").path("labels")
                .path("azure.workload.identity/use").asText());
        assertEquals(manifests.get("ServiceAccount").path("metadata").path("name").asText(), pod.path("serviceAccountName").asText());
        assertTrue(manifests.get("ServiceAccount").path("metadata").path("annotations").has("azure.workload.identity/client-id"));
        // the credential comes from the webhook's AZURE_FEDERATED_TOKEN_FILE only while no other is configured
        for (String key : List.of("azure.ad.client-secret", "azure.ad.client-secret-file", "azure.ad.client-certificate-path",
                "azure.ad.federated-token-file", "azure.ad.client-id", "azure.ad.tenant-id")) {
            assertEquals("", properties.getProperty(key, "").strip(), key + " set in application.properties would win over workload identity");
        }
    }

    @Test
    void should_size_the_heap_and_the_memory_limit_from_the_measured_figures() {
        // docs/benchmarks.md, bench/heap at -Xmx256m: heap after GC 87 MiB and RSS peak 463 MiB at 100,000 jobs
        String benchmarks = read("docs/benchmarks.md");
        assertTrue(benchmarks.contains("**86.6 MiB**") && benchmarks.contains("452 MiB (456)"), "the figures the sizing rests on");
        Matcher xmx = XMX.matcher(env().get("JAVA_TOOL_OPTIONS"));
        assertTrue(xmx.find(), env().get("JAVA_TOOL_OPTIONS"));
        int heap = Integer.parseInt(xmx.group(1));
        int limit = mebibytes(container.path("resources").path("limits").path("memory").asText());
        int request = mebibytes(container.path("resources").path("requests").path("memory").asText());
        assertTrue(heap >= 2 * 87, "heap " + heap + " MiB: at least twice the live heap at 100,000 jobs");
        assertTrue(limit >= 463 * 1.2, "limit " + limit + " MiB: the RSS peak at 100,000 jobs plus a fifth");
        assertTrue(request <= limit && request >= heap, "request " + request + " MiB");
        assertTrue(container.path("command").toString().contains("-jar"), container.path("command").toString());
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static int mebibytes(String quantity) {
        if (quantity.endsWith("Mi")) {
            return Integer.parseInt(quantity.substring(0, quantity.length() - 2));
        }
        if (quantity.endsWith("Gi")) {
            return Integer.parseInt(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        throw new IllegalArgumentException("not Mi or Gi: " + quantity);
    }

    private static String read(String path) {
        try {
            return Files.readString(root.resolve(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
