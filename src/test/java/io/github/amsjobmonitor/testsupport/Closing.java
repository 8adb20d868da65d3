package io.github.amsjobmonitor.testsupport;

/** The end of a test class: closes what it started, in the order given, skipping what never started. */
public final class Closing {

    private Closing() {
    }

    public static void closeAll(AutoCloseable... started) {
        for (AutoCloseable thing : started) {
            if (thing == null) {
                continue;
            }
            try {
                thing.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close " + thing, e);
            }
        }
    }
}
