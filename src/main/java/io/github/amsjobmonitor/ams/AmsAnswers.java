package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Reads AMS answers strictly. Jackson alone would take the verbose {@code {"d":...}} shape or any
 * object without {@code value} for an empty page, which the monitor would read as "no such job";
 * and a job without {@code State} would look like a state this version does not know. Each of those
 * is an {@link AmsAnswerInvalidException} saying what was wrong.
 */
public class AmsAnswers {

    private static final int EXCERPT = 60;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * The answer of a {@code Jobs()} query. An answer that cannot be read as a whole fails here; a job
     * in it without a State integer is kept with a null state, so that in a batch only that job's
     * check fails ({@link #requireState}), not the checks of the other jobs asked for with it.
     */
    public JobsPage jobsPage(String body) {
        List<AmsJob> jobs = value(body, AmsJob.class);
        for (AmsJob job : jobs) {
            // an Id that is not text reads as none (TextOnly)
            if (job == null || job.id() == null) {
                throw new AmsAnswerInvalidException("a job in the answer has no Id");
            }
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
        List<AmsTask> tasks = value(body, AmsTask.class);
        if (tasks.contains(null)) {
            throw new AmsAnswerInvalidException("a task in the answer is null");
        }
        return new TasksPage(tasks);
    }

    /**
     * The {@code value} array of an answer, read in one pass over the text (a tree first, then records,
     * was a quarter of the check threads' CPU at 100,000 jobs: docs/benchmarks.md). Refused when the
     * answer is not JSON, has the verbose shape, has no {@code value} array, or its items lack the
     * expected fields.
     */
    private <T> List<T> value(String body, Class<T> item) {
        if (body == null || body.isBlank()) {
            throw new AmsAnswerInvalidException("the answer is not JSON: " + excerpt(body));
        }
        Page<T> page;
        try {
            page = json.readValue(body, json.getTypeFactory().constructParametricType(Page.class, item));
        } catch (StreamReadException e) {
            throw new AmsAnswerInvalidException("the answer is not JSON: " + excerpt(body));
        } catch (JsonProcessingException e) {
            throw new AmsAnswerInvalidException("the answer is not a JSON object with the expected fields: " + excerpt(body));
        }
        if (page.verbose() != null) {
            throw new AmsAnswerInvalidException("the answer has the verbose OData shape {\"d\":...}, not the minimal metadata asked for");
        }
        if (page.value() == null) {
            throw new AmsAnswerInvalidException("the answer has no \"value\" array: " + excerpt(body));
        }
        return page.value();
    }

    /** An answer in OData minimal metadata as it comes, before {@link #value} judges it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Page<T>(@JsonProperty("value") List<T> value, @JsonProperty("d") JsonNode verbose) {
    }

    /** Reads a JSON string; anything else (a number, an object...) as null, for the caller to refuse. */
    static final class TextOnly extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            parser.skipChildren();
            return null;
        }
    }

    /**
     * Reads a JSON integer that fits an int; anything else ("3", 3.0, true...) as null, so that only the
     * job whose State it is fails its check, not its batch-mates.
     */
    static final class IntegerOnly extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                return parser.getIntValue();
            }
            parser.skipChildren();
            return null;
        }
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
