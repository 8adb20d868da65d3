package io.github.amsjobmonitor.ams;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * AMS v2 job identifiers: {@code nb:jid:UUID:} followed by a UUID in its canonical 8-4-4-4-12 form.
 * The check is strict because an ID ends up inside an OData filter: a quote or an operator in it
 * would change the query.
 * <p>
 * A GUID names the same job in any letter case; the monitor's own spelling (the canonical form) is
 * the lower-case one, so that both spellings are one tracked job, one key, one chain of events.
 */
public final class JobId {

    private static final String PREFIX = "nb:jid:UUID:";
    private static final Pattern FORMAT = Pattern.compile(
            "nb:jid:UUID:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private JobId() {
    }

    public static boolean isValid(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }

    /** A valid job ID in the monitor's spelling: {@code nb:jid:UUID:} and the lower-case GUID. */
    public static boolean isCanonical(String candidate) {
        return isValid(candidate) && candidate.equals(canonical(candidate));
    }

    /** The canonical form of a valid job ID. */
    public static String canonical(String jobId) {
        if (!isValid(jobId)) {
            throw new IllegalArgumentException("not an AMS job ID");
        }
        return PREFIX + jobId.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    }
}
