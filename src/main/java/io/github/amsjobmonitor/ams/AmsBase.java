package io.github.amsjobmonitor.ams;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API base every AMS request goes to. It starts as the configured {@code ams.api-url}; a 301
 * (AMS moved the account to another cluster) moves it to the {@code Location}'s base, so later
 * calls go there directly instead of being redirected one by one, as the AMS SDKs did. The
 * configured base is taken again with the next token (the SDKs re-resolved it then too) and when
 * the new base fails (no answer or a server error), since the configured one will redirect again
 * wherever AMS is now.
 */
public class AmsBase {

    private static final Logger LOG = LoggerFactory.getLogger(AmsBase.class);

    private record Moved(String base, long tokenGeneration) {
    }

    private final String configured;
    private final LongSupplier tokenGeneration;
    private volatile Moved moved;

    /**
     * @param configured      {@code ams.api-url}, ending in '/'
     * @param tokenGeneration changes whenever a new token is fetched (e.g. the token request count)
     */
    public AmsBase(String configured, LongSupplier tokenGeneration) {
        this.configured = configured;
        this.tokenGeneration = tokenGeneration;
    }

    /** The full URL of {@code relativePath} (encoded, e.g. {@code Jobs()}) under the current base. */
    public String url(String relativePath) {
        return current() + relativePath;
    }

    public String current() {
        Moved now = moved;
        if (now == null) {
            return configured;
        }
        if (now.tokenGeneration() != tokenGeneration.getAsLong()) {
            moved = null;
            LOG.info("New token: AMS requests go to the configured base {} again (was {})", configured, now.base());
            return configured;
        }
        return now.base();
    }

    /**
     * After a 301 to {@code location} for {@code relativePath}{@code ?query}: the new base is the
     * location without that same path and query.
     * @throws AmsRefusedException when the location is not the same request under another base
     */
    public void movedTo(String location, String relativePath, String query) {
        String request = relativePath + (query == null || query.isEmpty() ? "" : "?" + query);
        if (location == null || !location.endsWith(request) || !location.matches("https?://[^?#]+/.*")) {
            throw new AmsRefusedException("AMS answered 301 for " + relativePath + " with Location " + location
                    + ", which is not the same request under another base");
        }
        String base = location.substring(0, location.length() - request.length());
        if (!base.endsWith("/")) {
            throw new AmsRefusedException("AMS answered 301 with Location " + location + ", whose base does not end in '/'");
        }
        Moved before = moved;
        moved = new Moved(base, tokenGeneration.getAsLong());
        if (before == null || !before.base().equals(base)) {
            LOG.warn("AMS moved: it answered 301 to {}; requests go to {} until the next token", relativePath, base);
        }
    }

    /** A request to the moved base got no answer or a server error: the configured base again. */
    public void failed() {
        Moved before = moved;
        if (before != null) {
            moved = null;
            LOG.warn("AMS at {} failed: requests go to the configured base {} again", before.base(), configured);
        }
    }
}
