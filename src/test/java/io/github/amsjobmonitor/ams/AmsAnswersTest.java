package io.github.amsjobmonitor.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AmsAnswersTest {

    private static final String ID = "nb:jid:UUID:1b2c3d4e-0000-0000-0000-000000000001";
    private static final String OTHER = "nb:jid:UUID:1b2c3d4e-0000-0000-0000-000000000002";
    private final AmsAnswers answers = new AmsAnswers();

    @Test
    void should_read_a_minimal_metadata_page() {
        JobsPage page = answers.jobsPage("{\"odata.metadata\":\"x\",\"value\":[{\"Id\":\"" + ID + "\",\"State\":2,\"Name\":\"n\"}]}");
        assertEquals(2, page.value().get(0).state());
        assertEquals(0, answers.jobsPage("{\"value\":[]}").value().size());
    }

    @Test
    void should_refuse_what_is_not_json() {
        String message = assertThrows(AmsAnswerInvalidException.class,
                () -> answers.jobsPage("<html><body>Service unavailable</body></html>")).getMessage();
        assertTrue(message.contains("not JSON") && message.contains("<html>"), message);
        assertThrows(AmsAnswerInvalidException.class, () -> answers.jobsPage(""));
        assertThrows(AmsAnswerInvalidException.class, () -> answers.jobsPage("[1]"));
    }

    @Test
    void should_refuse_the_verbose_shape_instead_of_taking_it_for_no_such_job() {
        String message = assertThrows(AmsAnswerInvalidException.class,
                () -> answers.jobsPage("{\"d\":{\"results\":[{\"Id\":\"" + ID + "\",\"State\":3}]}}")).getMessage();
        assertTrue(message.contains("verbose"), message);
        assertThrows(AmsAnswerInvalidException.class, () -> answers.jobsPage("{\"odata.metadata\":\"x\"}"));
    }

    @Test
    void should_keep_a_job_without_a_state_integer_for_its_own_check_to_refuse_and_name_it() {
        JobsPage page = answers.jobsPage("{\"value\":[{\"Id\":\"" + ID + "\",\"Name\":\"n\"},{\"Id\":\"" + OTHER + "\",\"State\":1}]}");
        assertNull(page.value().get(0).state());
        assertEquals(1, page.value().get(1).state());
        String message = assertThrows(AmsAnswerInvalidException.class,
                () -> AmsAnswers.requireState(new JobsPage(List.of(page.value().get(0))))).getMessage();
        assertTrue(message.contains(ID) && message.contains("State"), message);
        assertNull(answers.jobsPage("{\"value\":[{\"Id\":\"" + ID + "\",\"State\":\"Queued\"}]}").value().get(0).state());
        assertThrows(AmsAnswerInvalidException.class, () -> answers.jobsPage("{\"value\":[{\"State\":1}]}"));
    }

    @Test
    void should_take_only_a_json_integer_that_fits_for_a_state() {
        for (String state : List.of("\"3\"", "3.0", "3.5", "true", "null", "{}", "[3]", "12345678901234567890")) {
            assertNull(answers.jobsPage("{\"value\":[{\"Id\":\"" + ID + "\",\"State\":" + state + "}]}").value().get(0).state(), state);
        }
    }

    @Test
    void should_refuse_a_page_whose_jobs_are_not_objects_with_a_text_id() {
        for (String answer : List.of("{\"value\":[1]}", "{\"value\":[null]}", "{\"value\":5}", "{\"value\":[{\"Id\":7,\"State\":1}]}",
                "{\"value\":[{\"Id\":\"" + ID + "\",\"Name\":{\"a\":1},\"State\":1}]}", "\"text\"", "{\"value\":[]")) {
            assertThrows(AmsAnswerInvalidException.class, () -> answers.jobsPage(answer), answer);
        }
    }

    @Test
    void should_pass_an_unknown_state_integer_on_for_the_route_to_decide() {
        assertEquals(42, answers.jobsPage("{\"value\":[{\"Id\":\"" + ID + "\",\"State\":42}]}").value().get(0).state());
    }

    @Test
    void should_keep_excerpts_short_and_on_one_line() {
        String excerpt = AmsAnswers.excerpt("a\nb\u0000c" + "x".repeat(500));
        assertTrue(excerpt.length() < 70 && !excerpt.contains("\n"), excerpt);
    }

    @Test
    void should_escape_control_characters_of_what_an_invalid_answer_quotes() {
        JobsPage page = answers.jobsPage("{\"value\":[{\"Id\":\"x\\r\\nINFO forged\"}]}");
        String message = assertThrows(AmsAnswerInvalidException.class, () -> AmsAnswers.requireState(page)).getMessage();
        assertEquals("job x\\r\\nINFO forged has no State integer in the answer", message);
    }

    @Test
    void should_read_a_tasks_page_and_refuse_one_without_a_value_array() {
        TasksPage page = answers.tasksPage("{\"odata.metadata\":\"x\",\"value\":[{\"Id\":\"t1\",\"State\":2,\"Progress\":40.0},"
                + "{\"Id\":\"t2\",\"State\":2,\"Progress\":60.0,\"ErrorDetails\":[]}]}");
        assertEquals(2, page.value().size());
        assertEquals(50.0, page.meanProgress().getAsDouble());
        assertThrows(AmsAnswerInvalidException.class, () -> answers.tasksPage("{\"d\":{\"results\":[]}}"));
        assertThrows(AmsAnswerInvalidException.class, () -> answers.tasksPage("<html></html>"));
        assertThrows(AmsAnswerInvalidException.class, () -> answers.tasksPage("{\"value\":[{\"Progress\":\"much\"}]}"));
    }
}
