package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.tracking.TrackingRecords.Read;
import io.github.amsjobmonitor.tracking.TrackingRecords.Skip;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Records of the tracking topic are checked before anything uses them; a failing one is counted by reason. */
class TrackingRecordsTest {

    private static final String ID = "nb:jid:UUID:2a7d5c1e-0b3f-4c84-9a51-7e2d0f6b8c11";
    private static final String OTHER = "nb:jid:UUID:9b1e0c2d-3f4a-4b5c-8d6e-7f8091a2b3c4";
    private static final Instant SINCE = Instant.parse("2026-11-26T14:00:00.123456Z");

    private final TrackingRecords records = new TrackingRecords();

    private static TrackedJob seen(String id) {
        return TrackedJob.requested(id, Map.of("k", "v"), SINCE, null).seen("encode", "Processing", SINCE.plusSeconds(5))
                .progressPublished(40.0, SINCE.plusSeconds(6));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Read skipped(Skip reason, String key, byte[] value) {
        long before = records.skipped(reason);
        Read read = records.read(key, value);
        assertEquals(reason, read.skipped(), () -> "read as " + read);
        assertNull(read.job(), "nothing of a skipped record is used");
        assertEquals(before + 1, records.skipped(reason), "counted under " + reason.tag());
        return read;
    }

    @Test
    void should_read_back_what_the_monitor_writes_with_its_times_as_instants() throws Exception {
        TrackedJob job = seen(ID);

        Read read = records.read(ID, records.write(job, "me"));

        assertNull(read.skipped());
        assertEquals(job.writtenBy("me"), read.job());
        assertEquals(SINCE, read.job().trackedSince());
        assertEquals(SINCE.plusSeconds(5), read.job().lastStateAt());
        assertEquals(SINCE.plusSeconds(6), read.job().lastProgressAt());
    }

    @Test
    void should_keep_the_times_iso_8601_on_the_topic() throws Exception {
        String value = new String(records.write(seen(ID), "me"), StandardCharsets.UTF_8);

        assertTrue(value.contains("\"trackedSince\":\"2026-11-26T14:00:00.123456Z\""), value);
        assertTrue(value.contains("\"lastStateAt\":\"2026-11-26T14:00:05.123456Z\""), value);
    }

    @Test
    void should_read_a_tombstone_for_a_job_id_in_canonical_form() {
        Read read = records.read(ID, null);

        assertTrue(read.isTombstone());
        assertNull(read.skipped());
    }

    @Test
    void should_skip_a_record_whose_key_differs_from_its_job_id() throws Exception {
        skipped(Skip.KEY_DIFFERS, OTHER, records.write(seen(ID), "me"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11", "not-a-job", ""})
    void should_skip_a_record_or_tombstone_whose_key_is_not_a_canonical_job_id(String key) throws Exception {
        skipped(Skip.INVALID_KEY, key, records.write(seen(ID), "me"));
        skipped(Skip.INVALID_KEY, key, null);
    }

    @Test
    void should_skip_a_record_without_a_key() {
        skipped(Skip.INVALID_KEY, null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nb:jid:UUID:x' or Id ne '", "nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11"})
    void should_skip_a_record_whose_job_id_is_not_a_canonical_job_id(String jobId) {
        skipped(Skip.INVALID_JOB_ID, ID, json("{\"jobId\":\"" + jobId + "\",\"trackedSince\":\"2026-11-26T14:00:00Z\"}"));
    }

    @Test
    void should_skip_a_record_without_a_job_id() {
        skipped(Skip.INVALID_JOB_ID, ID, json("{\"trackedSince\":\"2026-11-26T14:00:00Z\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"trackedSince\":\"yesterday\"",
            "\"trackedSince\":\"2026-11-26T14:00:00\"",
            "\"trackedSince\":\"2026-11-26T14:00:00Z\",\"lastStateAt\":\"soon\"",
            "\"trackedSince\":\"2026-11-26T14:00:00Z\",\"lastProgressAt\":\"2026-13-01T00:00:00Z\"",
            "\"jobName\":\"no trackedSince\""})
    void should_skip_a_record_whose_times_do_not_parse(String fields) {
        Read read = skipped(Skip.INVALID_TIME, ID, json("{\"jobId\":\"" + ID + "\"," + fields + "}"));
        assertTrue(read.detail().contains("tracked") || read.detail().contains("At"), read.detail());
    }

    @Test
    void should_skip_an_oversized_record_without_reading_it() {
        byte[] value = new byte[TrackingRecords.MAX_RECORD_BYTES + 1];
        skipped(Skip.OVERSIZED, ID, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "[1,2]", "{\"jobId\":{\"a\":1},\"trackedSince\":\"2026-11-26T14:00:00Z\"}"})
    void should_skip_what_is_not_a_tracking_record(String value) {
        skipped(Skip.UNREADABLE, ID, json(value));
    }

    @Test
    void should_carry_over_a_previous_versions_record_under_its_canonical_job_id() throws Exception {
        String upper = "nb:jid:UUID:2A7D5C1E-0B3F-4C84-9A51-7E2D0F6B8C11";
        byte[] old = json("{\"jobId\":\"" + upper + "\",\"trackedSince\":\"2026-11-26T14:00:00Z\",\"lastState\":\"Queued\"}");

        Read read = records.readCarriedOver(old);

        assertNull(read.skipped());
        assertEquals(ID, read.job().jobId());
        assertEquals("Queued", read.job().lastState());
    }
}
