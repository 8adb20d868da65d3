package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.amsjobmonitor.testsupport.MonitorProcess;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The defaults in the code and the shipped application.properties say the same (MonitorDefaults). */
class MonitorDefaultsTest {

    @Test
    void should_hold_in_code_every_value_the_shipped_file_sets() throws IOException {
        Properties shipped = shipped();
        List<String> differing = new ArrayList<>();
        for (String key : new TreeMap<>(shipped).keySet().stream().map(Object::toString).toList()) {
            String inCode = MonitorDefaults.all().get(key);
            if (!shipped.getProperty(key).strip().equals(inCode)) {
                differing.add(key + ": file '" + shipped.getProperty(key).strip() + "', code " + (inCode == null ? "none" : "'" + inCode + "'"));
            }
        }
        assertEquals(List.of(), differing, "application.properties and MonitorDefaults");
    }

    @Test
    void should_document_every_default_in_the_shipped_file() throws IOException {
        Properties shipped = shipped();
        List<String> undocumented = MonitorDefaults.all().keySet().stream().filter(key -> !shipped.containsKey(key)).toList();
        assertEquals(List.of(), undocumented, "defaults that application.properties does not show");
    }

    private static Properties shipped() throws IOException {
        Properties shipped = new Properties();
        try (Reader file = Files.newBufferedReader(MonitorProcess.projectRoot().resolve("application.properties"), StandardCharsets.UTF_8)) {
            shipped.load(file);
        }
        return shipped;
    }
}
