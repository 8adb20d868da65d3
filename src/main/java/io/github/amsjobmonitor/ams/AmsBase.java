package io.github.amsjobmonitor.ams;

import io.github.amsjobmonitor.transport.LoopbackOrHttps;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
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
 *
 * <p>The bearer token goes with every request, so a 301 is followed only where the token may go:
 * https (http to a loopback host only, as for {@code ams.api-url}), and to the host of
 * {@code ams.api-url} itself or a host within {@code ams.redirect-hosts}. Loopback is no exception to
 * the host list: a redirect to {@code http://localhost:<port>} would hand the token to whatever
 * listens on the monitor's own machine. Anything else is refused before any connection is made: one
 * ERROR line per refused place (the log is not flooded when every check meets the same 301), and the
 * request fails as a refused answer, so the job is checked again later.
 */
public class AmsBase {

    private static final Logger LOG = LoggerFactory.getLogger(AmsBase.class);

    private record Moved(String base, long tokenGeneration) {
    }

    private final String configured;
    private final String configuredHost;
    private final RedirectHosts redirectHosts;
    private final LongSupplier tokenGeneration;
    private volatile Moved moved;
    private volatile String lastRefusedOrigin;

    /** With the default {@code ams.redirect-hosts} (the AMS v2 domains). */
    public AmsBase(String configured, LongSupplier tokenGeneration) {
        this(configured, RedirectHosts.amsV2Domains(), tokenGeneration);
    }

    /**
     * @param configured      {@code ams.api-url}, ending in '/'
     * @param redirectHosts   {@code ams.redirect-hosts}: where else a 301 may lead
     * @param tokenGeneration changes whenever a new token is fetched (e.g. the token request count)
     */
    public AmsBase(String configured, RedirectHosts redirectHosts, LongSupplier tokenGeneration) {
        this.configured = configured;
        this.configuredHost = hostOf(configured);
        this.redirectHosts = redirectHosts;
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
        refuseUnlessTheTokenMayGo(base);
        Moved before = moved;
        moved = new Moved(base, tokenGeneration.getAsLong());
        if (before == null || !before.base().equals(base)) {
            LOG.warn("AMS moved: it answered 301 to {}; requests go to {} until the next token", relativePath, base);
        }
    }

    private void refuseUnlessTheTokenMayGo(String base) {
        URI target;
        try {
            target = new URI(base);
        } catch (URISyntaxException e) {
            throw new AmsRefusedException("AMS answered 301 with a Location that is not a valid URL");
        }
        Optional<String> refusal = whyTheTokenMayNotGo(target);
        if (refusal.isEmpty()) {
            return;
        }
        String why = refusal.get();
        String origin = target.getScheme() + "://" + target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort());
        if (!origin.equals(lastRefusedOrigin)) {
            lastRefusedOrigin = origin;
            LOG.error("Refused to follow AMS's 301 to {}: {}; the bearer token is not sent there", origin, why);
        }
        throw new AmsRefusedException("AMS answered 301 to " + origin + ", refused: " + why);
    }

    private Optional<String> whyTheTokenMayNotGo(URI target) {
        Optional<String> transport = LoopbackOrHttps.problem(target);
        if (transport.isPresent()) {
            return transport.map(problem -> "it " + problem);
        }
        if (target.getHost().equalsIgnoreCase(configuredHost) || redirectHosts.allows(target.getHost())) {
            return Optional.empty();
        }
        return Optional.of("the host " + target.getHost() + " is neither the host of ams.api-url nor within ams.redirect-hosts ("
                + redirectHosts + ")");
    }

    // ams.api-url itself is checked where it is read (MonitorConfiguration.jobQuery)
    private static String hostOf(String url) {
        if (url == null) {
            return null;
        }
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return null;
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
