package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads AMS answers strictly. Jackson alone would take the verbose {@code {"d":...}} shape or any
 * object without {@code value} for an empty page, which the monitor would read as "no such job";
 * and a job without {@code State} would look like a state this version does not know. Each of those
 * is an {@link AmsAnswerInvalidException} saying what was wrong.
 */
public class AmsAnswers {

    private static final int EXCERPT = 60;
    private static final String VERBOSE = "the answer has the verbose OData shape {\"d\":...}, not the minimal metadata asked for";
    private static final String NO_VALUE = "the answer has no \"value\" array: ";
    private final ObjectMapper json = new ObjectMapper();

    /**
     * The answer of a {@code Jobs()} query. An answer that cannot be read as a whole fails here; a job
     * in it without a State integer is kept with a null state, so that in a batch only that job's
     * check fails ({@link #requireState}), not the checks of the other jobs asked for with it.
     */
    public JobsPage jobsPage(String body) {
        // one pass over the text (a tree first, then records, was a quarter of the check threads' CPU
        // at 100,000 jobs: docs/benchmarks.md); Id and State come as JSON nodes, to be judged strictly here
        RawJobsPage raw = read(body, RawJobsPage.class);
        if (raw.verbose() != null) {
            throw new AmsAnswerInvalidException(VERBOSE);
        }
        if (raw.value() == null) {
            throw new AmsAnswerInvalidException(NO_VALUE + excerpt(body));
        }
        List<AmsJob> jobs = new ArrayList<>(raw.value().size());
        for (RawJob job : raw.value()) {
            if (job == null || job.id() == null || !job.id().isTextual()) {
                throw new AmsAnswerInvalidException("a job in the answer has no Id");
            }
            Integer state = job.state() != null && job.state().isIntegralNumber() && job.state().canConvertToInt()
                    ? job.state().intValue() : null;
            jobs.add(new AmsJob(job.id().textValue(), job.name(), job.created(), job.lastModified(), job.startTime(),
                    job.endTime(), job.runningDuration(), state));
        }
        return new JobsPage(jobs);
    }

    /** The page of one job as read by {@link #jobsPage}, refused if its job came without a State integer. */
    public static JobsPage requireState(JobsPage page) {
        for (AmsJob job : page.value()) {
            if (job.state() == null) {
                throw new AmsAnswerInvalidException("job " + job.id() + " has no State integer in the answer");
            }
        }
        return page;
    }

    /** The answer of a {@code Jobs('<id>')/Tasks} read, as strictly: a {@code value} array of tasks. */
    public TasksPage tasksPage(String body) {
        JsonNode value = valueArray(body);
        try {
            return json.treeToValue(json.createObjectNode().set("value", value), TasksPage.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new AmsAnswerInvalidException("the tasks in the answer do not have the expected fields: " + e.getMessage());
        }
    }

    private <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new AmsAnswerInvalidException("the answer is not JSON: " + excerpt(body));
        }
        try {
            return json.readValue(body, type);
        } catch (StreamReadException e) {
            throw new AmsAnswerInvalidException("the answer is not JSON: " + excerpt(body));
        } catch (JsonProcessingException e) {
            throw new AmsAnswerInvalidException("the answer is not a JSON object of the expected shape: " + excerpt(body));
        }
    }

    /** A Jobs() answer as it comes, before {@link #jobsPage} judges it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record RawJobsPage(@JsonProperty("value") List<RawJob> value, @JsonProperty("d") JsonNode verbose) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record RawJob(
            @JsonProperty("Id") JsonNode id,
            @JsonProperty("Name") String name,
            @JsonProperty("Created") String created,
            @JsonProperty("LastModified") String lastModified,
            @JsonProperty("StartTime") String startTime,
            @JsonProperty("EndTime") String endTime,
            @JsonProperty("RunningDuration") Double runningDuration,
            @JsonProperty("State") JsonNode state) {
    }

    private JsonNode valueArray(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AmsAnswerInvalidException("the answer is not JSON: " + excerpt(body));
        }
        if (root == null || !root.isObject()) {
            throw new AmsAnswerInvalidException("the answer is not a JSON object: " + excerpt(body));
        }
        if (root.has("d")) {
            throw new AmsAnswerInvalidException(VERBOSE);
        }
        JsonNode value = root.get("value");
        if (value == null || !value.isArray()) {
            throw new AmsAnswerInvalidException(NO_VALUE + excerpt(body));
        }
        return value;
    }

    /** A short, single-line, printable excerpt for the log. */
    static String excerpt(String text) {
        if (text == null) {
            return "(empty)";
        }
        String line = text.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return line.length() <= EXCERPT ? "'" + line + "'" : "'" + line.substring(0, EXCERPT) + "...'";
    }
}
