package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A job that never becomes final is dead-lettered after monitor.tracking.max-duration, not polled forever. */
class TrackingDeadlineTest {

    @Test
    void should_dead_letter_a_job_still_running_at_the_deadline_with_its_last_state() {
        String job = SimulatedJob.randomId();
        String input = "{\"jobId\":\"" + job + "\",\"correlationData\":{\"k\":\"v\"}}";
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "never ends", JobScenario.LONG_RUNNING, Duration.ofMillis(300));
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("monitor.tracking.max-duration", "3s");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, input);

                List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> job.equals(r.key()), 1,
                        Duration.ofSeconds(30));
                assertEquals(1, dead.size());
                assertArrayEquals(input.getBytes(StandardCharsets.UTF_8), dead.get(0).value());
                assertEquals("TRACKING_EXPIRED", header(dead.get(0), "monitor-error-code"));
                assertEquals("Processing", header(dead.get(0), "monitor-last-state"));
                assertTrue(header(dead.get(0), "monitor-error-reason").contains("still Processing"));

                // its tracking has ended: out of the schedule, and its last tracking record is a tombstone
                TopicWatcher.awaitOrFail(Duration.ofSeconds(10), () -> monitor.schedule().size() == 0,
                        () -> monitor.schedule().size() + " jobs still tracked");
                List<ConsumerRecord<String, byte[]>> tracking = kafka.readAll(topics.tracking()).stream()
                        .filter(r -> job.equals(r.key())).toList();
                assertNull(tracking.get(tracking.size() - 1).value(), "the job's last tracking record is a tombstone");
            }
        }
    }
}
