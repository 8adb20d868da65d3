package io.github.amsjobmonitor.logging;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Pattern;

/**
 * Redacts credentials from log text, whatever logger wrote it and at whatever level: the client secret
 * and certificate password (as registered at start, raw and form-encoded), a secret read from a file, federated
 * assertions, the last bearer tokens fetched, and anything shaped like
 * one ({@code Bearer <token>}, {@code "access_token":"..."}, {@code client_secret=...}). Libraries log
 * these at DEBUG (Apache HttpClient's {@code headers} and {@code wire} loggers write the
 * {@code Authorization} header); capping their levels in logback.xml is the first defence, this is the
 * one that holds when an operator turns DEBUG on anyway. Used by {@link MaskedMessageConverter} and
 * {@link MaskedThrowableConverter}.
 */
public final class SecretMasking {

    static final String MASK = "***";
    private static final int RECENT_TOKENS = 8;
    // cheap pre-check before the regular expressions: most lines contain none of these
    private static final Pattern SHAPED = Pattern.compile(
            "(?i)(bearer\\s+)[A-Za-z0-9._~+/=_-]{8,}"
                    + "|(\"?(?:access_token|refresh_token|id_token|client_secret|client_assertion)\"?\\s*[:=]\\s*\"?)[^\"&\\s,}\\]]+"
                    // a setting named *client-secret* with its value, as Camel's property resolution logs it at DEBUG:
                    // "azure.ad.client-secret with value: x", "{{azure.ad.client-secret}} -> x", "client-secret = x"
                    + "|((?:client[-.]secret|CLIENT_SECRET|client[-.]certificate[-.]password|CLIENT_CERTIFICATE_PASSWORD)[\"'}\\]]*\\s*(?:with value:|->|=|:)\\s*\"?)[^\"&\\s,}\\]]+");
    private static final String[] HINTS = {"bearer", "token", "secret", "assertion", "password"};

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ConcurrentLinkedDeque<String> TOKENS = new ConcurrentLinkedDeque<>();

    private SecretMasking() {
    }

    /** A value never to be logged (the client secret): masked wherever it appears, raw or form-encoded. */
    public static void registerSecret(String secret) {
        if (secret != null && secret.length() >= 4) {
            SECRETS.add(secret);
            SECRETS.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
    }

    /** A bearer token just fetched: the last few are masked wherever they appear. */
    public static void registerToken(String token) {
        if (token != null && token.length() >= 8) {
            TOKENS.addFirst(token);
            while (TOKENS.size() > RECENT_TOKENS) {
                TOKENS.pollLast();
            }
        }
    }

    /**
     * A client assertion just read (a federated token): masked like a bearer token, among the last few
     * only, since a rotated one is not worth remembering for good.
     */
    public static void registerAssertion(String assertion) {
        registerToken(assertion);
    }

    /** {@code text} with every known secret and token, and anything shaped like one, replaced by {@value #MASK}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : SECRETS) {
            masked = masked.replace(secret, MASK);
        }
        for (String token : TOKENS) {
            masked = masked.replace(token, MASK);
        }
        if (mayHoldCredential(masked)) {
            masked = SHAPED.matcher(masked).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                    (m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3)) + MASK));
        }
        return masked;
    }

    private static boolean mayHoldCredential(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (String hint : HINTS) {
            if (lower.contains(hint)) {
                return true;
            }
        }
        return false;
    }

    /** For tests: forgets every registered secret and token. */
    static void forgetAll() {
        SECRETS.clear();
        TOKENS.clear();
    }
}
