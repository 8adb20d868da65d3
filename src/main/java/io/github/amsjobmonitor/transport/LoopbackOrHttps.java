package io.github.amsjobmonitor.transport;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for every URL the bearer token or the client secret may travel to ({@code ams.api-url},
 * {@code azure.ad.authority-host}, where a 301 leads): https, or http to this machine only. Cleartext
 * to a loopback address never leaves the host, and the simulator and local tests need it.
 *
 * <p>Loopback is decided on the name alone, without a DNS look-up (a name that resolves to 127.0.0.1
 * today may not tomorrow): {@code localhost}, an IPv4 literal in 127.0.0.0/8, or IPv6 {@code ::1}.
 */
public final class LoopbackOrHttps {

    private LoopbackOrHttps() {
    }

    /**
     * Why {@code url} may not carry a token, as the end of a sentence about it ("... is http:// to a
     * host that is not loopback ..."), or empty when it may.
     */
    public static Optional<String> problem(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("is not an https:// URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return Optional.of("has no host");
        }
        if (scheme.equals("http") && !isLoopback(url.getHost())) {
            return Optional.of("is http:// to a host that is not loopback (http:// only for 127.0.0.0/8, ::1, localhost)");
        }
        return Optional.empty();
    }

    /** As {@link #problem(URI)}, for a text that may not even be a URI. */
    public static Optional<String> problem(String url) {
        if (url == null) {
            return Optional.of("is not a URL");
        }
        try {
            return problem(new URI(url));
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
    }

    /** {@code localhost}, an IPv4 literal in 127.0.0.0/8 or the IPv6 literal ::1 (brackets allowed). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        // only literals: InetAddress parses those without a look-up
        if (!name.matches("[0-9.]+") && !name.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
