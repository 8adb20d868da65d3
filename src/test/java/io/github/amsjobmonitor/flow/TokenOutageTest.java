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
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * While Entra ID is down or slow, a job stays tracked: it is checked again later, never dead-lettered or
 * dropped, and the token endpoint is asked only once per backoff, not once per check.
 */
class TokenOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void should_keep_checking_a_job_again_later_while_entra_id_is_down_without_hammering_it() {
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "waits for a token", JobScenario.LONG_RUNNING, Duration.ofMillis(300));
            simulator.tokenEndpointUnavailable(true);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            // longer than the test: every check after the first failed fetch gets the remembered failure
            settings.put("monitor.token.retry-backoff", "10m");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                // ten failed checks of the job, and it is still tracked
                TopicWatcher.awaitOrFail(WAIT, () -> monitor.schedule().failedChecks() >= 10,
                        () -> monitor.schedule().failedChecks() + " failed checks");
                assertEquals(1, monitor.schedule().size(), "the job stays tracked");
                // one fetch (MSAL itself tries a 5xx twice) for ten checks
                assertTrue(simulator.tokenRequestCount() <= 2, simulator.tokenRequestCount() + " token requests");
                assertEquals(0, simulator.jobsRequestCount(), "no AMS call without a token");
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty());
                assertTrue(kafka.readAll(topics.jobStatus()).isEmpty());
            }
        }
    }

    @Test
    void should_track_a_job_to_its_end_once_a_slow_entra_id_answers_in_time_again() {
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "waits for a slow token", JobScenario.FINISH, Duration.ofMillis(300));
            // answers after the monitor's read timeout
            simulator.delayTokenAnswers(Duration.ofSeconds(3));
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("monitor.token.connect-timeout", "500ms");
            settings.put("monitor.token.read-timeout", "500ms");
            settings.put("monitor.token.retry-backoff", "200ms");
            settings.put("monitor.token.retry-backoff-max", "1s");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                TopicWatcher.awaitOrFail(WAIT, () -> monitor.schedule().failedChecks() >= 3,
                        () -> monitor.schedule().failedChecks() + " failed checks");
                assertEquals(0, simulator.issuedTokenCount(), "every answer came too late");
                assertTrue(kafka.readAll(topics.jobStatus()).isEmpty());

                simulator.delayTokenAnswers(Duration.ZERO);
                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "the job reaches Finished once tokens come in time");
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty(), "nothing dead-lettered for the outage");
            }
        }
    }
}
