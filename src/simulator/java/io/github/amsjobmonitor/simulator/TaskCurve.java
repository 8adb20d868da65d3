package io.github.amsjobmonitor.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How one task of a simulated job progresses, on the time the job has spent in Processing. With
 * {@code P} the duration of the job's (first) Processing step, the task starts at
 * {@code startsAt * P} (Scheduled and 0 before), then its progress rises linearly from {@code from}
 * to {@code to}, reached at {@code reachesAt * P}, and stays there. A task that {@code finishesEarly}
 * is Finished (100) from {@code reachesAt * P} on, whatever the job does next. Otherwise it follows
 * the job: the job's state while the job is not Processing, 100 when the job finishes, frozen
 * (with {@link #ERROR} in {@code ErrorDetails} on Error) when it errors or is canceled.
 */
record TaskCurve(String name, String configuration, double from, double to, double startsAt, double reachesAt,
                 boolean finishesEarly) {

    /** Media Encoder Standard, the processor nearly every AMS v2 encoding task used. */
    static final String MEDIA_ENCODER_STANDARD = "nb:mpid:UUID:ff4df607-d419-42f0-bc17-a481b1331e56";
    static final TaskEntity.ErrorDetail ERROR = new TaskEntity.ErrorDetail("ErrorProcessingTask",
            "An error has occurred. Stage: ApplyEncodeCommand. The input video stream is corrupt at 00:04:12.480"
                    + " (invalid NAL unit size): re-encode or re-upload the source file.");

    private static final String ENCODE = "Adaptive Streaming";
    private static final String THUMBNAILS = "{\"Version\":1.0,\"Codecs\":[{\"Start\":\"{Best}\",\"Type\":\"JpgImage\","
            + "\"JpgLayers\":[{\"Quality\":90,\"Type\":\"JpgLayer\",\"Width\":640,\"Height\":360}]}],"
            + "\"Outputs\":[{\"FileName\":\"{Basename}_{Index}{Extension}\",\"Format\":{\"Type\":\"JpgFormat\"}}]}";

    /** The tasks of a scenario's jobs; {@code null} (explicit steps) gives one task rising from 0 to 90. */
    static List<TaskCurve> forScenario(JobScenario scenario) {
        if (scenario == null) {
            return List.of(new TaskCurve("Encode", ENCODE, 0.0, 90.0, 0.0, 1.0, false));
        }
        return switch (scenario) {
            case FINISH -> List.of(new TaskCurve("Encode", ENCODE, 2.5, 97.0, 0.0, 0.8, true),
                    new TaskCurve("Thumbnails", THUMBNAILS, 0.0, 100.0, 0.1, 1.0, false));
            case ERROR -> List.of(new TaskCurve("Encode", ENCODE, 1.5, 41.5, 0.0, 1.0, false),
                    new TaskCurve("Thumbnails", THUMBNAILS, 0.0, 100.0, 0.0, 0.5, true));
            case CANCEL -> List.of(new TaskCurve("Encode", ENCODE, 0.0, 62.5, 0.0, 1.0, false));
            case LONG_RUNNING -> List.of(new TaskCurve("Encode", ENCODE, 0.0, 35.0, 0.0, 1.0, false));
        };
    }

    /** The task as the API shows it when the job is at {@code at}; {@code progress} overrides the curve. */
    TaskEntity observe(String jobId, int index, SimulatedJob.Timeline at, Instant now, Double progress) {
        long step = at.processingStep().toMillis();
        long startOffset = Math.round(startsAt * step);
        long endOffset = Math.round(reachesAt * step);
        long processed = at.processed().toMillis();
        boolean started = at.startTime() != null && processed >= startOffset;
        double value = !started ? 0.0 : endOffset <= startOffset ? to
                : from + (to - from) * Math.min(1.0, (double) (processed - startOffset) / (endOffset - startOffset));
        Instant start = started ? at.startTime().plusMillis(startOffset) : null;
        Instant end = null;
        JobState state;
        List<TaskEntity.ErrorDetail> errors = List.of();
        if (finishesEarly && started && processed >= endOffset) {
            state = JobState.FINISHED;
            value = 100.0;
            end = at.startTime().plusMillis(endOffset);
        } else if (at.state() == JobState.PROCESSING) {
            state = started ? JobState.PROCESSING : JobState.SCHEDULED;
        } else {
            state = at.state();
            end = at.endTime();
            if (state == JobState.FINISHED) {
                value = 100.0;
            } else if (state == JobState.ERROR) {
                errors = List.of(ERROR);
            }
        }
        double shown = progress != null ? progress : Math.round(value * 100.0) / 100.0;
        double runningMillis = start == null ? 0.0 : Duration.between(start, end != null ? end : now).toMillis();
        String id = "nb:tid:UUID:" + UUID.nameUUIDFromBytes((jobId + "/" + index).getBytes(StandardCharsets.UTF_8));
        String body = "<?xml version=\"1.0\" encoding=\"utf-16\"?><taskBody><inputAsset>JobInputAsset(0)</inputAsset>"
                + "<outputAsset assetName=\"" + name + " output\">JobOutputAsset(" + index + ")</outputAsset></taskBody>";
        return new TaskEntity(id, configuration, SimulatedJob.format(end), errors, List.of(), MEDIA_ENCODER_STANDARD,
                name, null, 0, shown, runningMillis, SimulatedJob.format(start), state.code(), body, 0, null, null,
                null, null);
    }
}
