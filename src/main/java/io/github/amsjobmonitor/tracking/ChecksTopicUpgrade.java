package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.kafka.KafkaClientSettings;
import io.github.amsjobmonitor.logging.ControlCharacterEscaping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the jobs tracked by the previous version over to the tracking topic, once, at start. That
 * version kept each tracked job as its pending record(s) on the checks topic (read by the group
 * {@code <group-id>-checks}): the records after that group's committed offsets are read, the latest
 * per job is written to the tracking topic, and only then are the offsets committed to the end, so a
 * crash half-way carries them over again at the next start (a job written twice is one job).
 */
public class ChecksTopicUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(ChecksTopicUpgrade.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClientSettings kafka;
    private final String checksTopic;
    private final String checksGroup;
    private final String trackingTopic;
    private final JobSchedule schedule;

    public ChecksTopicUpgrade(KafkaClientSettings kafka, String checksTopic, String checksGroup, String trackingTopic,
                              JobSchedule schedule) {
        this.kafka = kafka;
        this.checksTopic = checksTopic;
        this.checksGroup = checksGroup;
        this.trackingTopic = trackingTopic;
        this.schedule = schedule;
    }

    /** Carries the pending jobs over; returns how many. A failure is logged and leaves them for the next start. */
    public int run() {
        try {
            if (checksTopic == null || checksTopic.isBlank() || !checksTopicExists()) {
                return 0;
            }
            return carryOver();
        } catch (Exception e) {
            LOG.warn("Could not carry over the jobs of the previous version's checks topic {}: {}; trying again at the next start",
                    checksTopic, e.toString());
            return 0;
        }
    }

    private boolean checksTopicExists() throws Exception {
        try (Admin admin = Admin.create(kafka.admin())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(checksTopic);
        }
    }

    private int carryOver() throws Exception {
        Properties consumerProps = kafka.consumer(checksGroup);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.remove(ConsumerConfig.CLIENT_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            List<TopicPartition> partitions = consumer.partitionsFor(checksTopic).stream()
                    .map(p -> new TopicPartition(checksTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<String, TrackedJob> latest = new LinkedHashMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    TrackingRecords.Read read = record.value() == null ? null : schedule.records().readCarriedOver(record.value());
                    if (read != null && read.skipped() != null) {
                        LOG.warn("Skipped a record of {} (partition {}, offset {}): {}: {}", checksTopic, record.partition(),
                                record.offset(), read.skipped().tag(), ControlCharacterEscaping.escape(read.detail()));
                    } else if (read != null) {
                        latest.put(read.job().jobId(), carried(read.job()));
                    }
                }
            }
            if (latest.isEmpty()) {
                return 0;
            }
            write(latest);
            consumer.commitSync(ends.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))));
            LOG.info("Carried over {} jobs tracked by the previous version from {} to {}; {} is no longer used and may be deleted",
                    latest.size(), checksTopic, trackingTopic, checksTopic);
            return latest.size();
        }
    }

    private void write(Map<String, TrackedJob> jobs) throws Exception {
        Properties props = kafka.producer();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.remove(ProducerConfig.CLIENT_ID_CONFIG);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(jobs.size());
            for (TrackedJob job : jobs.values()) {
                sent.add(producer.send(new ProducerRecord<>(trackingTopic, job.jobId(), schedule.record(job))));
            }
            for (Future<RecordMetadata> acknowledged : sent) {
                acknowledged.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** A record of the checks topic as a tracking record: what was seen is kept (its due time has no use now). */
    private static TrackedJob carried(TrackedJob old) {
        return new TrackedJob(old.jobId(), old.jobName(), old.lastState(), old.lastStateAt(), old.correlationData(),
                old.trackedSince(), old.notFoundAttempts(), old.input(), old.lastProgress(), old.lastProgressAt(),
                old.invalidAnswers(), TrackedJob.FROM_CHECK, null);
    }
}
