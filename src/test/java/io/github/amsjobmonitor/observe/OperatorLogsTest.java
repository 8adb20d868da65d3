package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The production logging (logback.xml) of a real monitor process, switched to JSON lines: every line is
 * one JSON object; a state change and a dead letter each give one line; polling a job that does not
 * change writes nothing at INFO.
 */
class OperatorLogsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_write_one_json_object_per_line_and_nothing_at_info_while_polling_a_job_that_does_not_change() {
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            // stays Queued for an hour: checked every 200 ms, no state change
            simulator.register(job, "steady", JobScenario.LONG_RUNNING, Duration.ofHours(1));
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("monitor.log.format", "json");
            settings.put("monitor.progress.enabled", "false");
            try (MonitorProcess monitor = MonitorProcess.start("json-logs", settings)) {
                monitor.awaitStarted(WAIT);
                kafka.send(topics.jobIds(), null, job);
                kafka.send(topics.jobIds(), null, "not a job id");
                assertEquals(1, kafka.consume(topics.jobStatus(), 1, WAIT).size());
                assertEquals(1, kafka.consume(topics.deadLetter(), 1, WAIT).size());

                // steady state: from here on the job is only polled
                TopicWatcher.awaitOrFail(WAIT, () -> !monitor.logLines("Dead-lettered").isEmpty(), () -> monitor.tail(20));
                int linesBefore = lines(monitor).size();
                int pollsBefore = simulator.jobsRequestCount();
                TopicWatcher.awaitOrFail(WAIT, () -> simulator.jobsRequestCount() >= pollsBefore + 15,
                        () -> "15 more polls; log:\n" + monitor.tail(20));

                List<JsonNode> all = objects(monitor);
                List<JsonNode> whilePolling = all.subList(linesBefore, all.size());
                assertTrue(whilePolling.stream().noneMatch(line -> line.path("level").asText().equals("INFO")),
                        "INFO lines while polling: " + whilePolling);

                List<JsonNode> stateChanges = all.stream()
                        .filter(l -> l.path("loggerName").asText().equals("io.github.amsjobmonitor.state-changes")).toList();
                assertEquals(1, stateChanges.size(), stateChanges.toString());
                assertEquals("INFO", stateChanges.get(0).path("level").asText());
                assertEquals(job + ": new -> Queued", stateChanges.get(0).path("formattedMessage").asText());

                List<JsonNode> deadLetters = all.stream()
                        .filter(l -> l.path("loggerName").asText().equals("io.github.amsjobmonitor.dead-letter")).toList();
                assertEquals(1, deadLetters.size(), deadLetters.toString());
                assertEquals("WARN", deadLetters.get(0).path("level").asText());
                assertTrue(deadLetters.get(0).path("formattedMessage").asText().contains("INVALID_JOB_ID: Not an AMS v2 job ID"));
                assertFalse(monitor.logText().contains(simulator.settings().clientSecret()), "the secret in the log");
            }
        }
    }

    private static List<String> lines(MonitorProcess monitor) {
        return monitor.logText().lines().toList();
    }

    /** Every line of the log as a JSON object; fails on the first line that is not one. */
    private static List<JsonNode> objects(MonitorProcess monitor) {
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines(monitor)) {
            try {
                JsonNode node = JSON.readTree(line);
                assertTrue(node != null && node.isObject(), "not a JSON object: " + line);
                objects.add(node);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return objects;
    }
}
