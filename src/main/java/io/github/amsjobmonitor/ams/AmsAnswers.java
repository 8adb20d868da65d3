package io.github.amsjobmonitor.ams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
        JsonNode value = valueArray(body);
        for (JsonNode job : value) {
            if (!job.isObject() || !job.path("Id").isTextual()) {
                throw new AmsAnswerInvalidException("a job in the answer has no Id");
            }
            if (!job.path("State").isIntegralNumber()) {
                ((ObjectNode) job).remove("State");
            }
        }
        try {
            return json.treeToValue(json.createObjectNode().set("value", value), JobsPage.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new AmsAnswerInvalidException("the jobs in the answer do not have the expected fields: " + e.getMessage());
        }
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
            throw new AmsAnswerInvalidException("the answer has the verbose OData shape {\"d\":...}, not the minimal metadata asked for");
        }
        JsonNode value = root.get("value");
        if (value == null || !value.isArray()) {
            throw new AmsAnswerInvalidException("the answer has no \"value\" array: " + excerpt(body));
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
