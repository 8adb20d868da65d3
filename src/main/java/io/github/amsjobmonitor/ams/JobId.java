package io.github.amsjobmonitor.ams;

import java.util.regex.Pattern;

/**
 * AMS v2 job identifiers: {@code nb:jid:UUID:} followed by a UUID in its canonical 8-4-4-4-12 form.
 * The check is strict because an ID ends up inside an OData filter: a quote or an operator in it
 * would change the query.
 */
public final class JobId {

    private static final Pattern FORMAT = Pattern.compile(
            "nb:jid:UUID:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private JobId() {
    }

    public static boolean isValid(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }
}
