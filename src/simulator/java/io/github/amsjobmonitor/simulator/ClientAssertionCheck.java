package io.github.amsjobmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks a client assertion (RFC 7523 JWT bearer client authentication) the way Entra ID does for
 * the two kinds the monitor sends:
 * <ul>
 *   <li>a certificate assertion, made and signed by the client ({@code iss} = {@code sub} = its client ID):
 *       signed RS256 with the key of a certificate registered on the application, which the header names
 *       by thumbprint ({@code x5t#S256}, SHA-256, or {@code x5t}, SHA-1); {@code aud} = this tenant's token
 *       endpoint;</li>
 *   <li>a federated assertion (workload identity), issued by another identity provider: it must match a
 *       federated identity credential of the application (issuer, subject, audience
 *       {@code api://AzureADTokenExchange}) and be signed by that issuer's key.</li>
 * </ul>
 * Both must be within {@code nbf}..{@code exp}. The codes are Entra ID's, from Microsoft's "Microsoft Entra
 * authentication and authorization error codes" reference and the Azure SDK for Java's troubleshooting page:
 * AADSTS700027 (signature; also a certificate that is not registered), AADSTS700024 (not within its valid time
 * range), AADSTS700023 (audience is not the token endpoint), AADSTS700021 (subject is not the client),
 * AADSTS70021 (no matching federated identity record: HTTP 400 {@code invalid_request}, as AKS workload
 * identity's troubleshooting guide shows it), AADSTS50027 (not a JWT).
 */
final class ClientAssertionCheck {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final String FEDERATION_AUDIENCE = "api://AzureADTokenExchange";
    // tolerated difference between the client's clock and ours, as identity providers commonly allow
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** Why an assertion was refused, in Entra ID's terms. */
    record Refusal(int status, String error, int code, String description) {
    }

    /** A federated identity credential of the application: whose tokens it accepts, and the issuer's signing key. */
    record FederatedCredential(String issuer, String subject, PublicKey issuerKey) {
    }

    private final String tenant;
    private final String clientId;
    private final Clock clock;
    private final List<X509Certificate> certificates = new CopyOnWriteArrayList<>();
    private final List<FederatedCredential> federated = new CopyOnWriteArrayList<>();

    ClientAssertionCheck(String tenant, String clientId, Clock clock) {
        this.tenant = tenant;
        this.clientId = clientId;
        this.clock = clock;
    }

    void registerCertificate(X509Certificate certificate) {
        certificates.add(certificate);
    }

    void addFederatedCredential(FederatedCredential credential) {
        federated.add(credential);
    }

    /** Null when Entra ID would accept {@code assertion} as the credential of {@code formClientId}. */
    Refusal check(String assertion, String formClientId) {
        String[] parts = assertion.split("\\.", -1);
        JsonNode header;
        JsonNode claims;
        try {
            if (parts.length != 3) {
                throw new IOException("not three parts");
            }
            header = Reply.JSON.readTree(base64Url(parts[0]));
            claims = Reply.JSON.readTree(base64Url(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return new Refusal(400, "invalid_request", 50027, "Invalid JWT token. Token format not valid.");
        }
        String issuer = claims.path("iss").asText(null);
        if (clientId.equals(issuer)) {
            return checkCertificateAssertion(parts, header, claims, formClientId);
        }
        return checkFederatedAssertion(parts, header, claims);
    }

    private Refusal checkCertificateAssertion(String[] parts, JsonNode header, JsonNode claims, String formClientId) {
        X509Certificate certificate = registeredCertificate(header);
        if (certificate == null) {
            return signatureRefusal("The key was not found., Thumbprint of key used by client: '"
                    + header.path("x5t#S256").asText(header.path("x5t").asText("")) + "'");
        }
        if (!signedBy(parts, header, certificate.getPublicKey())) {
            return signatureRefusal("The key was found but the signature does not match");
        }
        if (!clientId.equals(claims.path("sub").asText(null)) || !clientId.equals(formClientId)) {
            return new Refusal(401, "invalid_client", 700021, "Client assertion application identifier doesn't match"
                    + " 'client_id' parameter.");
        }
        if (!isThisTokenEndpoint(claims.path("aud").asText(""))) {
            return new Refusal(401, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer."
                    + " Audience: '" + claims.path("aud").asText("") + "'.");
        }
        return timeRangeRefusal(claims);
    }

    private Refusal checkFederatedAssertion(String[] parts, JsonNode header, JsonNode claims) {
        String issuer = claims.path("iss").asText("");
        String subject = claims.path("sub").asText("");
        List<String> audiences = audiences(claims.path("aud"));
        FederatedCredential match = federated.stream()
                .filter(c -> c.issuer().equals(issuer) && c.subject().equals(subject))
                .findFirst().orElse(null);
        if (match == null || !audiences.contains(FEDERATION_AUDIENCE)) {
            return new Refusal(400, "invalid_request", 70021, "No matching federated identity record found for presented"
                    + " assertion. Assertion Issuer: '" + issuer + "'. Assertion Subject: '" + subject
                    + "'. Assertion Audience: '" + String.join(",", audiences) + "'.");
        }
        if (!signedBy(parts, header, match.issuerKey())) {
            return signatureRefusal("The signature does not match a key of issuer '" + issuer + "'");
        }
        return timeRangeRefusal(claims);
    }

    private Refusal timeRangeRefusal(JsonNode claims) {
        Instant now = clock.instant();
        Instant notBefore = claims.has("nbf") ? Instant.ofEpochSecond(claims.get("nbf").asLong()) : Instant.MIN;
        Instant expiry = claims.has("exp") ? Instant.ofEpochSecond(claims.get("exp").asLong()) : null;
        if (expiry == null || now.isAfter(expiry.plus(CLOCK_SKEW)) || now.plus(CLOCK_SKEW).isBefore(notBefore)) {
            return new Refusal(400, "invalid_client", 700024, "Client assertion is not within its valid time range."
                    + " Current time: " + now + ", assertion valid from " + (notBefore == Instant.MIN ? "-" : notBefore)
                    + ", expiry time of assertion " + (expiry == null ? "-" : expiry) + ".");
        }
        return null;
    }

    private static Refusal signatureRefusal(String reason) {
        return new Refusal(401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - "
                + reason + "]");
    }

    /**
     * The token endpoint of this tenant on this host. The port is not compared: the monitor's MSAL
     * talks to {@code https://127.0.0.1/<tenant>/} and is sent on to the simulator's port (see the
     * monitor's LoopbackHttpClient), so that is the audience it signs.
     */
    private boolean isThisTokenEndpoint(String audience) {
        try {
            URI uri = URI.create(audience);
            String host = uri.getHost() == null ? "" : uri.getHost();
            boolean loopback = host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost");
            return loopback && (uri.getPath().equals("/" + tenant + "/oauth2/v2.0/token")
                    || uri.getPath().equals("/" + tenant + "/oauth2/token"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private X509Certificate registeredCertificate(JsonNode header) {
        byte[] sha256 = thumbprint(header.path("x5t#S256").asText(null));
        byte[] sha1 = thumbprint(header.path("x5t").asText(null));
        for (X509Certificate certificate : certificates) {
            if ((sha256 != null && Arrays.equals(sha256, digest("SHA-256", certificate)))
                    || (sha1 != null && Arrays.equals(sha1, digest("SHA-1", certificate)))) {
                return certificate;
            }
        }
        return null;
    }

    private static boolean signedBy(String[] parts, JsonNode header, PublicKey key) {
        if (!"RS256".equals(header.path("alg").asText())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(base64Url(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> audiences(JsonNode aud) {
        if (aud.isArray()) {
            return java.util.stream.StreamSupport.stream(aud.spliterator(), false).map(JsonNode::asText).toList();
        }
        return aud.isTextual() ? List.of(aud.asText()) : List.of();
    }

    /** A thumbprint as sent: base64url by the JWS spec, standard base64 by MSAL4J 1.26.1; both are read. */
    private static byte[] thumbprint(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return base64Url(text.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] digest(String algorithm, X509Certificate certificate) {
        try {
            return MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base64Url(String text) {
        return Base64.getUrlDecoder().decode(Objects.requireNonNull(text));
    }
}
