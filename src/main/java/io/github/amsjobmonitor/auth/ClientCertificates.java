package io.github.amsjobmonitor.auth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCertificate;
import io.github.amsjobmonitor.InvalidSettingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the client certificate and its private key into MSAL: PEM (an unencrypted PKCS#8 private key
 * and the certificate chain, leaf first, in one file or the key in a second one) or PKCS#12 (with its
 * password). Mistakes are found at start, with a sentence naming the setting, rather than as an
 * {@code AADSTS700027} from Entra ID an hour later.
 */
final class ClientCertificates {

    static final String CERTIFICATE_KEY = "azure.ad.client-certificate-path";
    static final String KEY_KEY = "azure.ad.client-certificate-key-path";
    static final String PASSWORD_KEY = "azure.ad.client-certificate-password";
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    /** What was loaded: MSAL's credential and the leaf certificate, for the start log line. */
    record Loaded(IClientCertificate credential, X509Certificate leaf) {
    }

    private ClientCertificates() {
    }

    static Loaded load(Path certificate, Path separateKey, String password) {
        byte[] bytes = read(certificate, CERTIFICATE_KEY);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.strip().startsWith("-----BEGIN")) {
            String keyText = separateKey == null ? text : new String(read(separateKey, KEY_KEY), StandardCharsets.US_ASCII);
            return fromPem(text, keyText, separateKey == null ? CERTIFICATE_KEY : KEY_KEY);
        }
        return fromPkcs12(bytes, password);
    }

    private static Loaded fromPem(String certificateText, String keyText, String keySetting) {
        List<X509Certificate> chain = new ArrayList<>();
        Matcher blocks = PEM_BLOCK.matcher(certificateText);
        while (blocks.find()) {
            if (blocks.group(1).equals("CERTIFICATE")) {
                chain.add(certificate(decode(blocks.group(2))));
            }
        }
        if (chain.isEmpty()) {
            throw invalid(CERTIFICATE_KEY, CERTIFICATE_KEY + " holds no PEM CERTIFICATE block");
        }
        PrivateKey key = null;
        Matcher keyBlocks = PEM_BLOCK.matcher(keyText);
        while (keyBlocks.find() && key == null) {
            switch (keyBlocks.group(1)) {
                case "PRIVATE KEY" -> key = rsaKey(decode(keyBlocks.group(2)), keySetting);
                case "RSA PRIVATE KEY" -> throw invalid(keySetting, keySetting + " holds a PKCS#1 RSA key; give it as PKCS#8"
                        + " (openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem)");
                case "ENCRYPTED PRIVATE KEY" -> throw invalid(keySetting, keySetting + " holds an encrypted key; give an"
                        + " unencrypted PKCS#8 key in a secret volume, or a PKCS#12 file with " + PASSWORD_KEY);
                default -> { }
            }
        }
        if (key == null) {
            throw invalid(keySetting, keySetting + " holds no PEM PRIVATE KEY block (PKCS#8)"
                    + (keySetting.equals(CERTIFICATE_KEY) ? "; put it in the same file or name it with " + KEY_KEY : ""));
        }
        requireMatchingPair(key, chain.get(0), keySetting);
        return new Loaded(ClientCredentialFactory.createFromCertificateChain(key, chain), chain.get(0));
    }

    private static Loaded fromPkcs12(byte[] bytes, String password) {
        IClientCertificate credential;
        try {
            credential = ClientCredentialFactory.createFromCertificate(new ByteArrayInputStream(bytes),
                    password == null ? "" : password);
        } catch (IOException e) {
            // the JDK's words for a wrong password: "keystore password was incorrect"
            throw invalid(PASSWORD_KEY, CERTIFICATE_KEY + " is not PEM, and cannot be read as PKCS#12 with "
                    + PASSWORD_KEY + ": " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(CERTIFICATE_KEY, CERTIFICATE_KEY + " cannot be read as PKCS#12: " + e.getMessage());
        }
        try {
            X509Certificate leaf = certificate(Base64.getDecoder().decode(credential.getEncodedPublicKeyCertificateChain().get(0)));
            requireMatchingPair(credential.privateKey(), leaf, CERTIFICATE_KEY);
            return new Loaded(credential, leaf);
        } catch (CertificateException e) {
            throw invalid(CERTIFICATE_KEY, CERTIFICATE_KEY + " holds an unreadable certificate: " + e.getMessage());
        }
    }

    /** The SHA-1 thumbprint in hex, as the Azure portal shows it under "Certificates & secrets". */
    static String portalThumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireMatchingPair(PrivateKey key, X509Certificate leaf, String keySetting) {
        // Entra ID signs nothing back: a key of another certificate would only show as AADSTS700027
        if (!(key instanceof RSAPrivateCrtKey rsa) || !(leaf.getPublicKey() instanceof RSAPublicKey pub)
                || !rsa.getModulus().equals(pub.getModulus())) {
            throw invalid(keySetting, "the private key of " + keySetting + " is not the RSA key of the certificate "
                    + leaf.getSubjectX500Principal().getName() + " (Entra ID takes RSA keys, signed RS256)");
        }
    }

    private static PrivateKey rsaKey(byte[] pkcs8, String keySetting) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw invalid(keySetting, keySetting + " holds no RSA PKCS#8 private key: " + e.getMessage());
        }
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw invalid(CERTIFICATE_KEY, CERTIFICATE_KEY + " holds an unreadable certificate: " + e.getMessage());
        }
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }

    private static byte[] read(Path file, String setting) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid(setting, setting + " names " + file + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static InvalidSettingException invalid(String key, String message) {
        return new InvalidSettingException(key, message);
    }
}
