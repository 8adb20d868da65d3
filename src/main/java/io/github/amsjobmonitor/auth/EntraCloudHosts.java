package io.github.amsjobmonitor.auth;

import java.util.Locale;
import java.util.Set;

/**
 * The Entra ID hosts of Microsoft's clouds (public, US Government, China, Germany, the sovereign
 * clouds), as MSAL4J 1.26.1 itself knows them (its instance discovery's trusted hosts). Only
 * these can answer MSAL's instance discovery; for any other authority host (the simulator, a test
 * setup, a private endpoint) discovery must be off, else MSAL asks login.microsoftonline.com about
 * the host, fails, and remembers the failure for the life of the JVM.
 */
final class EntraCloudHosts {

    private static final Set<String> HOSTS = Set.of(
            "login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net",
            "login.microsoftonline.us", "login-us.microsoftonline.com", "login.usgovcloudapi.net",
            "login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "login.microsoftonline.de",
            "login.sovcloud-identity.fr", "login.sovcloud-identity.de", "login.sovcloud-identity.sg");

    private EntraCloudHosts() {
    }

    static boolean isMicrosoftCloud(String host) {
        return host != null && HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }
}
