package io.github.amsjobmonitor.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.AmsTimes;
import io.github.amsjobmonitor.tracking.Observation;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Turns an observed state change into the contract's event, wrapped as a CloudEvent. The Kafka
 * producer's CloudEvents serializer writes it in binary mode: the JSON as the record value, the
 * attributes as {@code ce_*} headers and {@code content-type}.
 */
public class JobEvents {

    public static final String STATE_CHANGED_TYPE = "io.github.amsjobmonitor.JobStateChanged";
    public static final String PROGRESS_TYPE = "io.github.amsjobmonitor.JobProgress";

    private final ObjectMapper json = new ObjectMapper();
    private final URI source;

    public JobEvents(String source) {
        this.source = URI.create(source);
    }

    public JobStatusEvent statusEvent(Observation observation) {
        AmsJob job = observation.job();
        return new JobStatusEvent(
                observation.jobId(),
                job.name(),
                observation.tracked().lastState(),
                observation.state().name(),
                observation.state().isFinal(),
                observation.observedAt().toString(),
                AmsTimes.toInstant(job.startTime()),
                AmsTimes.toInstant(job.endTime()),
                AmsTimes.toInstant(job.lastModified()),
                job.runningDuration(),
                observation.tracked().correlationData(),
                observation.progress(),
                observation.errors());
    }

    public CloudEvent progress(Observation observation) throws JsonProcessingException {
        JobProgressEvent event = new JobProgressEvent(observation.jobId(), observation.job().name(), observation.progress(),
                observation.observedAt().toString(), observation.tracked().correlationData());
        return cloudEvent(eventId(event.jobId(), "progress@" + event.observedAt()), PROGRESS_TYPE, event.jobId(),
                observation, json.writeValueAsBytes(event));
    }

    public CloudEvent stateChanged(Observation observation) throws JsonProcessingException {
        JobStatusEvent event = statusEvent(observation);
        return cloudEvent(eventId(event.jobId(), event.state()), STATE_CHANGED_TYPE, event.jobId(), observation,
                json.writeValueAsBytes(event));
    }

    private CloudEvent cloudEvent(String id, String type, String jobId, Observation observation, byte[] data) {
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source)
                .withType(type)
                .withSubject(jobId)
                .withTime(observation.observedAt().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(data);
        // the producer's trace context (CloudEvents distributed tracing extension): the job's trace goes on at
        // the consumer; in binary mode the serializer writes it as the ce_traceparent header
        String traceparent = observation.tracked().traceparent();
        if (traceparent != null) {
            event.withExtension(TraceParent.HEADER, traceparent);
            // with tracing on, the span of this event's write (publish-status / publish-progress) points to the
            // job's trace; with it off the current span is a no-op one
            Span.current().addLink(TraceParent.spanContext(traceparent));
        }
        return event.build();
    }

    /** The same for the same job and state, so a consumer can drop the repeats that at-least-once delivery brings. */
    static String eventId(String jobId, String state) {
        return UUID.nameUUIDFromBytes((jobId + "/" + state).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
