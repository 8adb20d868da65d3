package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** While no token can be had, a job stays tracked: it is checked again later, never dead-lettered or dropped. */
class TokenOutageTest {

    @Test
    void should_keep_checking_a_job_again_later_while_entra_id_refuses_tokens() {
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "waits for a token", JobScenario.LONG_RUNNING, Duration.ofMillis(300));
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("azure.ad.client-secret", "not-the-secret");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                // each failed check writes the job's next check: three of them prove it stays tracked
                assertEquals(3, kafka.consume(topics.checks(), r -> job.equals(r.key()), 3, Duration.ofSeconds(30)).size());
                assertTrue(simulator.tokenRequestCount() >= 3);
                assertEquals(0, simulator.jobsRequestCount(), "no AMS call without a token");
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty());
                assertTrue(kafka.readAll(topics.jobStatus()).isEmpty());
            }
        }
    }
}
