package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A wrong client secret: Entra ID answers 401 invalid_client. The monitor stops working (no AMS call, no event,
 * no dead letter; intake and checks suspended), says so once at ERROR without the secret, and shows credentials
 * DOWN in its health. The job IDs it took in before the first token request are safe: the intake commits their
 * offsets only once their tracking records are written, and needs no token for that. Restarted with the right
 * secret, it tracks every job it was sent.
 */
class RefusedCredentialsTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WRONG_SECRET = "wrong-secret-4f1c9e-never-logged";

    @Test
    void should_stop_taking_work_on_invalid_client_and_track_every_job_after_a_restart_with_the_right_secret()
            throws Exception {
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     SharedKafka.broker().bootstrapServers()))) {
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(simulator.registerRandom(JobScenario.FINISH, Duration.ofMillis(300)));
            }
            int port = freePort();
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("camel.management.enabled", "true");
            settings.put("camel.management.port", String.valueOf(port));
            settings.put("azure.ad.client-secret", WRONG_SECRET);
            String group = settings.get("monitor.group-id");

            try (MonitorProcess refused = MonitorProcess.start("refused-credentials", settings).awaitStarted(START)) {
                jobs.forEach(job -> kafka.send(topics.jobIds(), null, job));
                TopicWatcher.awaitOrFail(WAIT, () -> refused.logText().contains("Suspended intake (")
                                && refused.logText().contains("Suspended check ("),
                        () -> "intake and check were not suspended; log:\n" + refused.tail(40));

                List<String> errors = refused.logLines(" ERROR ");
                assertEquals(1, errors.size(), "one ERROR line, got:\n" + String.join("\n", errors));
                assertTrue(errors.get(0).contains(simulator.settings().clientId()), errors.get(0));
                assertTrue(errors.get(0).contains("invalid_client"), errors.get(0));
                assertFalse(refused.logText().contains(WRONG_SECRET), "the secret is in the log");
                assertEquals(1, simulator.tokenRequestCount(), "refused credentials are not tried again");
                assertEquals(0, simulator.jobsRequestCount());
                // what was taken in is on the tracking topic: committed only with its tracking record written
                long committed = committed(admin, group, new TopicPartition(topics.jobIds(), 0));
                Set<String> tracked = kafka.readAll(topics.tracking()).stream().map(r -> r.key())
                        .filter(jobs::contains).collect(Collectors.toSet());
                assertTrue(tracked.containsAll(jobs.subList(0, (int) Math.max(0, committed))),
                        "job IDs committed (" + committed + ") without their tracking records (" + tracked + ")");
                assertTrue(kafka.readAll(topics.jobStatus()).isEmpty());
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty());

                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String body = health.body().replace(" ", "");
                assertTrue(body.contains("\"status\":\"DOWN\"") && body.contains("\"name\":\"credentials\""), health.body());
                refused.stopGracefully();
                assertTrue(refused.logText().contains(") shutdown in "), "a graceful stop while suspended:\n" + refused.tail(30));
            }

            settings.put("azure.ad.client-secret", simulator.settings().clientSecret());
            settings.put("camel.management.enabled", "false");
            try (MonitorProcess fixed = MonitorProcess.start("refused-credentials-fixed", settings).awaitStarted(START)) {
                Set<String> finished = kafka.consume(topics.finished(), r -> jobs.contains(r.key()), jobs.size(), WAIT)
                        .stream().map(r -> r.key()).collect(Collectors.toSet());
                assertEquals(Set.copyOf(jobs), finished, "every job reaches Finished; log:\n" + fixed.tail(30));
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty());
                fixed.stopGracefully();
            }
        }
    }

    @Test
    void should_keep_a_tracked_job_when_its_secret_is_revoked_mid_run_and_finish_it_after_a_restart() throws Exception {
        Topics topics = Topics.unique();
        SimulatorSettings defaults = SimulatorSettings.defaults();
        // 200 s tokens are inside the 300 s renewal margin: every check fetches a token, so a revoked secret shows at once
        try (AmsSimulator simulator = new AmsSimulator(defaults.withPort(0).withTokenLifetime(Duration.ofSeconds(200))).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            String job = SimulatedJob.randomId();
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                // registered once the monitor runs, so that it is far from final when the secret is revoked
                simulator.register(job, "revoked mid-run", JobScenario.FINISH, Duration.ofSeconds(5));
                kafka.send(topics.jobIds(), null, job);
                assertEquals(1, kafka.consume(topics.jobStatus(), r -> job.equals(r.key()), 1, WAIT).size());
                simulator.changeClientSecret("the-new-secret");
                TopicWatcher.awaitOrFail(WAIT, () -> !monitor.context().getRouteController().getRouteStatus("check").isStarted(),
                        () -> "the check route still runs with a revoked secret");
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty(), "nothing dead-lettered for refused credentials");
                assertTrue(kafka.readAll(topics.finished()).isEmpty());
            }
            settings.put("azure.ad.client-secret", "the-new-secret");
            try (RunningMonitor fixed = RunningMonitor.start(settings, topics)) {
                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "the job goes on to Finished with the new secret");
                assertTrue(kafka.readAll(topics.deadLetter()).isEmpty());
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private static long committed(Admin admin, String group, TopicPartition partition) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).get(partition);
        return offset == null ? -1 : offset.offset();
    }
}
