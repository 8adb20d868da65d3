package io.github.amsjobmonitor.intake;

import io.github.amsjobmonitor.events.TraceParent;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultMessage;

/**
 * Takes in a poll's worth of job-ids records at once (the intake route consumes in batches): each
 * valid one becomes a request to track its job, written to the tracking topic, keyed by job ID, so
 * that the instance that owns the job's partition checks it; each invalid one goes to the dead-letter
 * topic. Offsets are committed after all of those writes are acknowledged.
 */
public class JobIntake {

    private final JobRequestParser parser;
    private final JobSchedule schedule;
    private final Clock clock;

    public JobIntake(JobRequestParser parser, JobSchedule schedule, Clock clock) {
        this.parser = parser;
        this.schedule = schedule;
        this.clock = clock;
    }

    /** What one batch of job-ids records asks for. */
    public record Batch(List<TrackedJob> requests, List<Rejected> rejected, List<Exchange> records) {
        public boolean hasRequests() {
            return !requests.isEmpty();
        }
    }

    /** A record that cannot be tracked: its bytes go to the dead-letter topic as they came, with the reason. */
    public record Rejected(String key, byte[] value, String code, String reason, String topic, Integer partition, Long offset) {
    }

    /** Reads the records of one poll (the body of the intake route's batch exchange). */
    public Batch read(List<Exchange> records) {
        Instant now = clock.instant();
        List<TrackedJob> requests = new ArrayList<>(records.size());
        List<Rejected> rejected = new ArrayList<>();
        for (Exchange record : records) {
            Message message = record.getMessage();
            byte[] value = message.getBody(byte[].class);
            try {
                JobRequest request = parser.parse(value);
                // not the record as it came: only what events need is kept (a dead letter rebuilds the request);
                // the one record header kept (the header filter lets no other in), when well formed, else none
                requests.add(TrackedJob.requested(request.jobId(), request.correlationData(), now, null,
                        TraceParent.valid(message.getHeader(TraceParent.HEADER))));
            } catch (RejectedInputException e) {
                rejected.add(new Rejected(message.getHeader(KafkaConstants.KEY, String.class), value, e.getCode(), e.getReason(), message.getHeader(KafkaConstants.TOPIC, String.class),
                        message.getHeader(KafkaConstants.PARTITION, Integer.class), message.getHeader(KafkaConstants.OFFSET, Long.class)));
            }
        }
        return new Batch(requests, rejected, records);
    }

    /** The tracking records of the batch's requests, one message each, keyed by job ID (the body of one Kafka write). */
    public List<Message> trackingRecords(Batch batch, Exchange exchange) throws Exception {
        List<Message> messages = new ArrayList<>(batch.requests().size());
        for (TrackedJob request : batch.requests()) {
            Message message = new DefaultMessage(exchange);
            message.setHeader(KafkaConstants.KEY, request.jobId());
            message.setBody(schedule.record(request));
            messages.add(message);
        }
        return messages;
    }

    /** Commits the offsets of every record of the batch: the last record of each partition carries its commit. */
    public void commit(Batch batch) {
        Map<Object, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Exchange record : batch.records()) {
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit instanceof DefaultKafkaManualCommit known) {
                // the commit's own partition, not a header a producer could have set
                lastPerPartition.put(known.getPartition(), commit);
            }
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }
}
