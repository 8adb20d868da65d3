package io.github.amsjobmonitor.ams;

import java.util.Locale;

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
    /** 8-4-4-4-12 hex digits: the length of the GUID and where its dashes stand. */
    private static final int GUID_LENGTH = 36;


    private JobId() {
    }

    /**
     * Whether {@code candidate} is exactly {@code nb:jid:UUID:} and an 8-4-4-4-12 GUID of hex digits.
     * Checked character by character rather than with a regular expression: every ID is checked again
     * before each Jobs() URL is built, and the regex was a third of the check threads' CPU in a profile
     * at 10,000 jobs (docs/benchmarks.md).
     */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.length() != PREFIX.length() + GUID_LENGTH || !candidate.startsWith(PREFIX)) {
            return false;
        }
        for (int i = 0; i < GUID_LENGTH; i++) {
            char c = candidate.charAt(PREFIX.length() + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHexDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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
