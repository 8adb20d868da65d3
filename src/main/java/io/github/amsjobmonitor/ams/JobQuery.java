package io.github.amsjobmonitor.ams;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the query string of the {@code Jobs()} call. It takes several IDs so that checks can be
 * batched ({@code Id eq 'a' or Id eq 'b'}); every ID is validated again here, at the last step
 * before a URL, whatever the caller checked.
 */
public class JobQuery {

    /** The encoded query for one job: {@code $filter=Id eq '<id>'&$top=1}. */
    public String filterById(String jobId) {
        return filterByIds(List.of(jobId));
    }

    public String filterByIds(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            throw new IllegalArgumentException("at least one job ID is needed");
        }
        for (String id : jobIds) {
            if (!JobId.isValid(id)) {
                throw new IllegalArgumentException("not an AMS job ID, refused before building a URL");
            }
        }
        String filter = jobIds.stream().map(id -> "Id eq '" + id + "'").collect(Collectors.joining(" or "));
        return "$filter=" + encode(filter) + "&$top=" + jobIds.size();
    }

    /** The encoded path of a job's tasks, relative to the API base: {@code Jobs('<id>')/Tasks}. */
    public String tasksPath(String jobId) {
        if (!JobId.isValid(jobId)) {
            throw new IllegalArgumentException("not an AMS job ID, refused before building a URL");
        }
        return "Jobs(" + encode("'" + jobId + "'") + ")/Tasks";
    }

    private static String encode(String value) {
        // URLEncoder writes form encoding; a query wants %20 for spaces
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
