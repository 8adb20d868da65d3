package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.aad.msal4j.IClientAssertion;
import com.microsoft.aad.msal4j.IClientCertificate;
import com.microsoft.aad.msal4j.IClientSecret;
import io.github.amsjobmonitor.InvalidSettingException;
import io.github.amsjobmonitor.testsupport.TestCredentials;
import io.github.amsjobmonitor.testsupport.TestCredentials.ClientCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which credential the settings choose, and the one-line setting errors when they choose none, two, or a broken one. */
class ClientCredentialsTest {

    @TempDir
    static Path folder;
    private static ClientCertificate certificate;
    private static ClientCertificate another;
    private final Map<String, String> settings = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    @BeforeAll
    static void certificates() {
        certificate = TestCredentials.clientCertificate(folder, "monitor-client", 30);
        another = TestCredentials.clientCertificate(folder, "another-client", 30);
    }

    private EntraSettings entra() {
        return EntraSettings.read(settings::get, env);
    }

    private ClientCredentials chosen() {
        return ClientCredentials.from(entra(), Clock.systemUTC());
    }

    private InvalidSettingException refused() {
        return assertThrows(InvalidSettingException.class, this::chosen);
    }

    @Test
    void should_use_the_client_secret_when_it_is_the_only_credential() {
        settings.put("azure.ad.client-secret", "s3cret-value");
        ClientCredentials credentials = chosen();
        assertInstanceOf(IClientSecret.class, credentials.credential().forTokenRequest());
        assertEquals("s3cret-value", ((IClientSecret) credentials.credential().forTokenRequest()).clientSecret());
        assertEquals("client secret", credentials.description());
    }

    @Test
    void should_ask_for_a_credential_naming_every_kind_when_none_is_set() {
        InvalidSettingException e = refused();
        assertEquals("azure.ad.client-secret", e.getKey());
        assertTrue(e.getMessage().contains("azure.ad.client-secret is required"), e.getMessage());
        for (String key : new String[] {"azure.ad.client-secret-file", "azure.ad.client-certificate-path",
            "azure.ad.federated-token-file", "AZURE_FEDERATED_TOKEN_FILE"}) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void should_refuse_two_credentials_naming_both() {
        settings.put("azure.ad.client-secret", "s3cret-value");
        settings.put("azure.ad.client-certificate-path", certificate.pemKeyAndChain().toString());
        InvalidSettingException e = refused();
        assertEquals("only one Entra ID credential may be set, got azure.ad.client-secret and azure.ad.client-certificate-path",
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-value"));
    }

    @Test
    void should_load_a_pem_file_holding_the_key_and_the_certificate() {
        settings.put("azure.ad.client-certificate-path", certificate.pemKeyAndChain().toString());
        ClientCredentials credentials = chosen();
        IClientCertificate msal = assertInstanceOf(IClientCertificate.class, credentials.credential().forTokenRequest());
        assertEquals(certificate.key(), msal.privateKey());
        assertTrue(credentials.description().startsWith("client certificate CN=monitor-client (SHA-1 thumbprint "),
                credentials.description());
        assertTrue(credentials.description().contains(ClientCertificates.portalThumbprint(certificate.certificate())));
        assertNull(credentials.warning());
    }

    @Test
    void should_load_a_pem_certificate_and_its_key_from_two_files() {
        settings.put("azure.ad.client-certificate-path", certificate.pemChain().toString());
        settings.put("azure.ad.client-certificate-key-path", certificate.pemKey().toString());
        IClientCertificate msal = assertInstanceOf(IClientCertificate.class, chosen().credential().forTokenRequest());
        assertEquals(certificate.key(), msal.privateKey());
    }

    @Test
    void should_load_a_pkcs12_file_with_its_password() {
        settings.put("azure.ad.client-certificate-path", certificate.pkcs12().toString());
        settings.put("azure.ad.client-certificate-password", certificate.password());
        IClientCertificate msal = assertInstanceOf(IClientCertificate.class, chosen().credential().forTokenRequest());
        assertEquals(certificate.key(), msal.privateKey());
    }

    @Test
    void should_name_the_password_setting_when_the_pkcs12_password_is_wrong() {
        settings.put("azure.ad.client-certificate-path", certificate.pkcs12().toString());
        settings.put("azure.ad.client-certificate-password", "not-the-password");
        InvalidSettingException e = refused();
        assertEquals("azure.ad.client-certificate-password", e.getKey());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void should_refuse_a_key_that_is_not_the_certificates() {
        settings.put("azure.ad.client-certificate-path", certificate.pemChain().toString());
        settings.put("azure.ad.client-certificate-key-path", another.pemKey().toString());
        InvalidSettingException e = refused();
        assertEquals("azure.ad.client-certificate-key-path", e.getKey());
        assertTrue(e.getMessage().contains("is not the RSA key of the certificate CN=monitor-client"), e.getMessage());
    }

    @Test
    void should_ask_for_pkcs8_when_given_a_pkcs1_rsa_key() throws Exception {
        Path pkcs1 = Files.writeString(folder.resolve("pkcs1.pem"), Files.readString(certificate.pemKey())
                .replace("PRIVATE KEY", "RSA PRIVATE KEY"));
        settings.put("azure.ad.client-certificate-path", certificate.pemChain().toString());
        settings.put("azure.ad.client-certificate-key-path", pkcs1.toString());
        assertTrue(refused().getMessage().contains("openssl pkcs8 -topk8 -nocrypt"));
    }

    @Test
    void should_ask_for_the_key_when_the_pem_file_holds_only_the_certificate() {
        settings.put("azure.ad.client-certificate-path", certificate.pemChain().toString());
        InvalidSettingException e = refused();
        assertEquals("azure.ad.client-certificate-path", e.getKey());
        assertTrue(e.getMessage().contains("azure.ad.client-certificate-key-path"), e.getMessage());
    }

    @Test
    void should_warn_of_a_certificate_that_has_expired() {
        settings.put("azure.ad.client-certificate-path", certificate.pemKeyAndChain().toString());
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC);
        ClientCredentials credentials = ClientCredentials.from(entra(), later);
        assertTrue(credentials.warning().startsWith("the client certificate CN=monitor-client expired on "),
                credentials.warning());
    }

    @Test
    void should_name_a_missing_file_and_its_setting() {
        settings.put("azure.ad.client-secret-file", folder.resolve("absent").toString());
        InvalidSettingException e = refused();
        assertEquals("azure.ad.client-secret-file", e.getKey());
        assertTrue(e.getMessage().contains("is not a readable file"), e.getMessage());
    }

    @Test
    void should_read_the_secret_file_at_each_token_request_without_its_trailing_line_break() throws Exception {
        Path file = Files.writeString(folder.resolve("client-secret"), "first-secret\n");
        settings.put("azure.ad.client-secret-file", file.toString());
        ClientCredential credential = chosen().credential();
        assertEquals("first-secret", ((IClientSecret) credential.forTokenRequest()).clientSecret());

        Files.writeString(file, "second-secret\r\n");
        assertEquals("second-secret", ((IClientSecret) credential.forTokenRequest()).clientSecret());
        Files.writeString(file, "  spaces kept  \n\n");
        assertEquals("  spaces kept  \n", ((IClientSecret) credential.forTokenRequest()).clientSecret());
    }

    @Test
    void should_read_the_federated_token_file_each_time_msal_asks() throws Exception {
        Path file = Files.writeString(folder.resolve("azure-identity-token"), "first.jwt.token");
        settings.put("azure.ad.federated-token-file", file.toString());
        IClientAssertion assertion = assertInstanceOf(IClientAssertion.class, chosen().credential().forTokenRequest());
        assertEquals("first.jwt.token", assertion.assertion());

        Files.writeString(file, "second.jwt.token\n");
        assertEquals("second.jwt.token", assertion.assertion());
    }

    @Test
    void should_take_the_aks_workload_identity_variables_as_defaults() throws Exception {
        Path file = Files.writeString(folder.resolve("aks-token"), "aks.jwt.token");
        env.put("AZURE_FEDERATED_TOKEN_FILE", file.toString());
        env.put("AZURE_CLIENT_ID", "aks-client");
        env.put("AZURE_TENANT_ID", "aks-tenant");
        env.put("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/");
        EntraSettings entra = entra();
        assertEquals("aks-client", entra.clientId());
        assertEquals("aks-tenant", entra.tenantId());
        assertEquals("https://login.microsoftonline.us/", entra.authorityHost());
        assertEquals(file.toString(), entra.federatedTokenFile());
        assertTrue(chosen().description().startsWith("federated token read from " + file), chosen().description());
    }

    @Test
    void should_prefer_the_azure_ad_settings_to_the_aks_variables() throws Exception {
        env.put("AZURE_FEDERATED_TOKEN_FILE", Files.writeString(folder.resolve("injected-token"), "x.y.z").toString());
        env.put("AZURE_CLIENT_ID", "aks-client");
        env.put("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/");
        settings.put("azure.ad.client-id", "configured-client");
        settings.put("azure.ad.client-secret", "s3cret-value");
        EntraSettings entra = entra();
        assertEquals("configured-client", entra.clientId());
        assertNull(entra.federatedTokenFile(), "an injected token file does not make a second credential");
        assertEquals("client secret", chosen().description());
        settings.put("azure.ad.authority-host", "https://login.chinacloudapi.cn");
        assertEquals("https://login.chinacloudapi.cn", entra().authorityHost());
    }

    @Test
    void should_default_the_authority_host_to_the_public_cloud() {
        assertEquals("https://login.microsoftonline.com", entra().authorityHost());
    }

    @Test
    void should_keep_the_secret_and_the_password_out_of_the_settings_text() {
        settings.put("azure.ad.client-secret", "s3cret-value");
        settings.put("azure.ad.client-certificate-password", "p4ssword-value");
        String text = entra().toString();
        assertFalse(text.contains("s3cret-value") || text.contains("p4ssword-value"), text);
    }

    @Test
    void should_warn_of_a_secret_file_its_group_or_others_may_read() throws Exception {
        Path file = Files.writeString(folder.resolve("secret-644"), "s3cret-value\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        settings.put("azure.ad.client-secret-file", file.toString());

        List<String> warnings = chosen().fileWarnings();

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("azure.ad.client-secret-file names " + file + ", which its group or others may read (rw-r--r--)"),
                warnings.get(0));
        assertFalse(warnings.get(0).contains("s3cret-value"), warnings.get(0));
    }

    @Test
    void should_not_warn_of_a_secret_file_only_its_owner_may_read() throws Exception {
        Path file = Files.writeString(folder.resolve("secret-600"), "s3cret-value\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        settings.put("azure.ad.client-secret-file", file.toString());

        assertEquals(List.of(), chosen().fileWarnings());
    }

    @Test
    void should_warn_of_a_certificate_and_a_key_file_readable_by_the_group() throws Exception {
        Files.setPosixFilePermissions(certificate.pemChain(), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(certificate.pemKey(), PosixFilePermissions.fromString("rw-r-----"));
        settings.put("azure.ad.client-certificate-path", certificate.pemChain().toString());
        settings.put("azure.ad.client-certificate-key-path", certificate.pemKey().toString());

        List<String> warnings = chosen().fileWarnings();

        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("azure.ad.client-certificate-path names " + certificate.pemChain()), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("azure.ad.client-certificate-key-path names " + certificate.pemKey()), warnings.get(1));
    }

    @Test
    void should_warn_of_a_federated_token_file_others_may_read() throws Exception {
        Path file = Files.writeString(folder.resolve("token-604"), "eyJ.token.value");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        settings.put("azure.ad.federated-token-file", file.toString());

        assertEquals(1, chosen().fileWarnings().size());
    }
}
