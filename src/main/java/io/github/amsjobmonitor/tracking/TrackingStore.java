package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.logging.ControlCharacterEscaping;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link JobSchedule} in step with the tracking topic for the partitions this instance owns,
 * as Kafka Streams keeps a state store in step with its changelog: on assignment a partition is read
 * from its beginning up to its end offset of that moment (the restore) before its jobs are checked;
 * after that, records other instances write (new job IDs from their intake) are applied as they
 * come; on revocation the partition's jobs are dropped. Ownership comes from the consumer group
 * ({@code <group-id>-tracking}, cooperative-sticky so that a rebalance moves only the partitions that
 * change hands). No offsets are committed: a partition is always restored from its beginning.
 * Every record is checked before it is applied ({@link TrackingRecords}); one that fails is skipped
 * with one WARN line and counted, and no job is harmed by it. A tombstone removes the job its key
 * names (Kafka's meaning), which is why only the monitor's principal may write the topic.
 * <p>
 * A plain Kafka consumer, not a camel-kafka route: the route's consumer does not tell the route
 * when partitions are assigned or revoked, nor where a partition's restore ends.
 */
public class TrackingStore extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingStore.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Properties consumerSettings;
    private final String topic;
    private final JobSchedule schedule;
    private final Map<TopicPartition, Long> restoring = new HashMap<>(); // partition -> end offset at assignment; consumer thread only
    private final Map<TopicPartition, Long> restoreStarted = new HashMap<>(); // consumer thread only
    private final TrackingCapacity capacity; // null: no cap
    private final Set<TopicPartition> held = new HashSet<>(); // paused at a job that did not fit; consumer thread only
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public TrackingStore(Properties consumerSettings, String topic, JobSchedule schedule) {
        this(consumerSettings, topic, schedule, null);
    }

    /** With a cap on the jobs this instance tracks: see {@link #waitsForRoom}. */
    public TrackingStore(Properties consumerSettings, String topic, JobSchedule schedule, TrackingCapacity capacity) {
        this.consumerSettings = consumerSettings;
        this.topic = topic;
        this.schedule = schedule;
        this.capacity = capacity;
    }

    @Override
    protected void doStart() {
        Properties props = new Properties();
        props.putAll(consumerSettings);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // a restore reads many small records: big polls, applied in one go
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.remove(ConsumerConfig.CLIENT_ID_CONFIG);
        consumer = new KafkaConsumer<>(props);
        running = true;
        thread = new Thread(this::run, "tracking-store");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = consumer) {
            c.subscribe(List.of(topic), new Rebalance(c));
            while (running) {
                try {
                    resumeWhenRoom(c);
                    for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                        TrackingRecords.Read read = schedule.records().read(record.key(), record.value());
                        if (read.skipped() != null) {
                            skipped(record, read);
                            continue;
                        }
                        if (waitsForRoom(c, record, read.job())) {
                            continue;
                        }
                        LOG.debug("Applying {} of partition {} offset {}", record.key(), record.partition(), record.offset());
                        schedule.apply(record.partition(), record.key(), read.job());
                    }
                    finishRestores(c);
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.warn("Reading the tracking topic {} failed, trying again: {}", topic, e.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the tracking consumer: {}", e.toString());
        }
    }

    /** One WARN line per skipped record; its key is the writer's text, escaped and cut short. */
    private void skipped(ConsumerRecord<String, byte[]> record, TrackingRecords.Read read) {
        String key = record.key() == null ? "none" : ControlCharacterEscaping.escape(
                record.key().length() > 80 ? record.key().substring(0, 80) + "..." : record.key());
        LOG.warn("Skipped a record of {} (partition {}, offset {}, key {}): {}: {}", topic, record.partition(), record.offset(),
                key, read.skipped().tag(), ControlCharacterEscaping.escape(read.detail()));
    }

    private void finishRestores(KafkaConsumer<String, byte[]> c) {
        if (restoring.isEmpty()) {
            return;
        }
        restoring.entrySet().removeIf(partition -> {
            if (c.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
            schedule.restored(partition.getKey().partition());
            long millis = (System.nanoTime() - restoreStarted.remove(partition.getKey())) / 1_000_000;
            LOG.info("Restored partition {} of {} ({} records) in {} ms", partition.getKey().partition(), topic,
                    partition.getValue(), millis);
            return true;
        });
    }

    /**
     * Whether the record must wait on the topic: this instance tracks {@code monitor.tracking.max-jobs}
     * jobs and the record would add one. Its partition is then paused at it (the position set back to
     * it, so nothing after it is read either, and nothing is lost) until jobs end here; a partition
     * still restoring counts as restored so far, so that the jobs read from it are checked and can end.
     */
    private boolean waitsForRoom(KafkaConsumer<String, byte[]> c, ConsumerRecord<String, byte[]> record, TrackedJob value) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (held.contains(partition)) {
            return true; // read again from where it was held
        }
        if (capacity == null || capacity.admits(record.key(), value)) {
            return false;
        }
        c.seek(partition, record.offset());
        c.pause(List.of(partition));
        held.add(partition);
        if (restoring.remove(partition) != null) {
            restoreStarted.remove(partition);
            schedule.restoredSoFar(partition.partition());
        }
        LOG.debug("Tracking {} jobs, the most allowed (monitor.tracking.max-jobs): partition {} of {} waits at offset {} until jobs end here",
                capacity.maxJobs(), partition.partition(), topic, record.offset());
        return true;
    }

    /** Reads the held partitions on from where they stopped once a job has ended here. */
    private void resumeWhenRoom(KafkaConsumer<String, byte[]> c) {
        if (!held.isEmpty() && !capacity.full()) {
            c.resume(held);
            LOG.debug("Room for more jobs: partitions {} of {} are read on", held.stream().map(TopicPartition::partition).sorted().toList(), topic);
            held.clear();
        }
    }

    /** Restore on assignment, drop on revocation or loss. Runs on the consumer thread, inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            schedule.assigned(partitions.stream().map(TopicPartition::partition).toList());
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            long now = System.nanoTime();
            for (TopicPartition partition : partitions) {
                restoring.put(partition, ends.getOrDefault(partition, 0L));
                restoreStarted.put(partition, now);
            }
            LOG.info("Tracking topic {}: partitions {} assigned, restoring", topic,
                    partitions.stream().map(TopicPartition::partition).sorted().toList());
            finishRestores(c);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions, "lost");
        }

        private void drop(Collection<TopicPartition> partitions, String how) {
            if (partitions.isEmpty()) {
                return;
            }
            partitions.forEach(p -> {
                restoring.remove(p);
                restoreStarted.remove(p);
                held.remove(p);
            });
            schedule.revoked(partitions.stream().map(TopicPartition::partition).toList());
            LOG.info("Tracking topic {}: partitions {} {}, their jobs dropped here", topic,
                    partitions.stream().map(TopicPartition::partition).sorted().toList(), how);
        }
    }
}
