package io.github.amsjobmonitor.ams;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** AMS v2 writes UTC times without a zone; events carry them as ISO-8601 instants. */
public final class AmsTimes {

    private AmsTimes() {
    }

    /** {@code 2015-02-11T01:46:08.897} becomes {@code 2015-02-11T01:46:08.897Z}; null or unreadable gives null. */
    public static String toInstant(String amsTime) {
        if (amsTime == null || amsTime.isBlank()) {
            return null;
        }
        try {
            if (amsTime.endsWith("Z") || amsTime.contains("+")) {
                return Instant.parse(amsTime).toString();
            }
            return LocalDateTime.parse(amsTime).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
