package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A stalled job still sends progress heartbeats; with progress off, no task is ever read. */
class ProgressHeartbeatAndSwitchTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_send_heartbeats_with_the_same_progress_for_a_stalled_job() throws IOException {
        String job = SimulatedJob.randomId();
        ManualClock clock = ManualClock.startingNow();
        Topics topics = Topics.unique();
        String progressTopic = topics.jobStatus().replace("job-status", "job-progress");
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            // LONG_RUNNING: Queued for one step, then progress rises to 35 over one step and stays there
            simulator.register(job, "stalls", JobScenario.LONG_RUNNING, STEP);
            clock.advance(STEP.multipliedBy(3));
            SharedKafka.broker().createTopics(1, progressTopic);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("monitor.topic.job-progress", progressTopic);
            settings.put("monitor.progress.heartbeat", "1s");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                List<ConsumerRecord<String, byte[]>> beats = kafka.consume(progressTopic, r -> job.equals(r.key()), 3, WAIT);
                assertEquals(3, beats.size());
                for (ConsumerRecord<String, byte[]> beat : beats) {
                    assertEquals(35.0, JSON.readTree(beat.value()).get("progress").asDouble());
                }
                assertEquals(1, kafka.readAll(topics.jobStatus()).size(), "one state change (new -> Processing), however many beats");
            }
        }
    }

    @Test
    void should_read_no_task_when_progress_is_off() throws IOException {
        String job = SimulatedJob.randomId();
        ManualClock clock = ManualClock.startingNow();
        Topics topics = Topics.unique();
        String progressTopic = topics.jobStatus().replace("job-status", "job-progress");
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "fails unseen", JobScenario.ERROR, STEP);
            SharedKafka.broker().createTopics(1, progressTopic);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("monitor.topic.job-progress", progressTopic);
            settings.put("monitor.progress.enabled", "false");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                for (String state : List.of("Queued", "Processing", "Error")) {
                    assertEquals(1, kafka.consume(topics.jobStatus(), r -> job.equals(r.key()) && stateOf(r).equals(state), 1, WAIT)
                            .size(), state);
                    clock.advance(STEP);
                }
                assertEquals(0, simulator.tasksRequestCount());
                assertTrue(kafka.readAll(progressTopic).isEmpty());
                JsonNode error = JSON.readTree(kafka.readAll(topics.errored()).get(0).value());
                assertFalse(error.has("errors"));
            }
        }
    }

    private static String stateOf(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("state").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
