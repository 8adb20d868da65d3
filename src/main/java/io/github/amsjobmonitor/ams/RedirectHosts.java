package io.github.amsjobmonitor.ams;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts a 301 from AMS may send the monitor (and its bearer token) to: setting
 * {@code ams.redirect-hosts}, a comma-separated list of host names and {@code *.domain} patterns.
 * A pattern {@code *.media.azure.net} matches any name under that domain, however deep
 * ({@code acct.restv2.westeurope.media.azure.net}), but not {@code media.azure.net} itself.
 */
public final class RedirectHosts {

    /**
     * The AMS v2 REST domains, the default. Account endpoints are
     * {@code https://<account>.restv2.<region>.media.azure.net/api/} (AMS v2 REST reference,
     * "Media Services Operations REST API Reference"); {@code media.windows.net} is the old global
     * endpoint ({@code https://media.windows.net/API/}) that answered 301 with the account's cluster.
     * The sovereign clouds follow the domains of their token audiences in the AMS v2 SDKs
     * ({@code rest.media.chinacloudapi.cn}, {@code rest.media.usgovcloudapi.net},
     * {@code rest.media.cloudapi.de}). Not in the list: the old clusters' {@code *.cloudapp.net}
     * names (e.g. {@code wamsbayclus001rest-hs.cloudapp.net}), because any Azure customer can own a
     * cloudapp.net name; an operator still on such a cluster adds its exact name.
     */
    public static final String AMS_V2_DOMAINS =
            "*.media.azure.net,media.windows.net,*.media.chinacloudapi.cn,*.media.usgovcloudapi.net,*.media.cloudapi.de";

    private final List<String> exactHosts;
    private final List<String> domainSuffixes;
    private final String setting;

    private RedirectHosts(List<String> exactHosts, List<String> domainSuffixes, String setting) {
        this.exactHosts = List.copyOf(exactHosts);
        this.domainSuffixes = List.copyOf(domainSuffixes);
        this.setting = setting;
    }

    /**
     * @param setting the comma-separated list; blank allows no host (a 301 may then only stay on the
     *                host of {@code ams.api-url}, see {@link AmsBase})
     * @throws IllegalArgumentException naming the entry that is neither a host name nor {@code *.domain}
     */
    public static RedirectHosts parse(String setting) {
        List<String> exact = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        String text = setting == null ? "" : setting;
        for (String raw : text.split(",")) {
            String entry = normalized(raw);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("*.") && isHostName(entry.substring(2)) && entry.substring(2).contains(".")) {
                suffixes.add(entry.substring(1));
            } else if (isHostName(entry)) {
                exact.add(entry);
            } else {
                throw new IllegalArgumentException("ams.redirect-hosts has '" + raw.trim()
                        + "'; expected host names and *.domain patterns (a domain with at least one dot), comma-separated");
            }
        }
        return new RedirectHosts(exact, suffixes, text.trim());
    }

    public static RedirectHosts amsV2Domains() {
        return parse(AMS_V2_DOMAINS);
    }

    /** Whether {@code host} (as in a URL, case-insensitive, IPv6 in brackets) is in the list. */
    public boolean allows(String host) {
        if (host == null) {
            return false;
        }
        String name = normalized(host);
        if (name.isEmpty()) {
            return false;
        }
        return exactHosts.contains(name) || domainSuffixes.stream().anyMatch(suffix -> name.endsWith(suffix) && name.length() > suffix.length());
    }

    @Override
    public String toString() {
        return setting.isEmpty() ? "empty" : setting;
    }

    private static String normalized(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        // a fully qualified name may end in a dot; it is the same host
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isHostName(String name) {
        return name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
                || name.matches("\\[[0-9a-f:.]+]");
    }
}
