package io.github.amsjobmonitor.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretMaskingTest {

    @AfterEach
    void forget() {
        SecretMasking.forgetAll();
    }

    @Test
    void should_redact_what_apache_httpclient_logs_of_the_authorization_header() {
        assertEquals("http-outgoing-0 >> Authorization: Bearer ***",
                SecretMasking.mask("http-outgoing-0 >> Authorization: Bearer eyJ0eXAi.eyJhdWQi.c2lnbmF0dXJl_-x"));
        assertEquals("http-outgoing-0 >> \"Authorization: Bearer ***[\\r][\\n]\"",
                SecretMasking.mask("http-outgoing-0 >> \"Authorization: Bearer Zm9vYmFyYmF6cXV4_-AB[\\r][\\n]\""));
    }

    @Test
    void should_redact_tokens_and_secrets_in_token_answers_and_form_bodies() {
        assertEquals("{\"token_type\":\"Bearer\",\"access_token\":\"***\",\"expires_in\":3599}",
                SecretMasking.mask("{\"token_type\":\"Bearer\",\"access_token\":\"abcdefgh12345678\",\"expires_in\":3599}"));
        assertEquals("grant_type=client_credentials&client_id=c&client_secret=***&scope=x",
                SecretMasking.mask("grant_type=client_credentials&client_id=c&client_secret=s3cr%2Bt&scope=x"));
    }

    @Test
    void should_redact_the_secret_setting_as_camel_logs_its_resolution_at_debug() {
        assertEquals("Found an OS environment property: azure.ad.client-secret with value: *** to be used.",
                SecretMasking.mask("Found an OS environment property: azure.ad.client-secret with value: x9-s3cret to be used."));
        assertEquals("Resolved text: {{azure.ad.client-secret}} -> ***",
                SecretMasking.mask("Resolved text: {{azure.ad.client-secret}} -> x9-s3cret"));
        assertEquals("AZURE_AD_CLIENT_SECRET=***", SecretMasking.mask("AZURE_AD_CLIENT_SECRET=x9-s3cret"));
    }

    @Test
    void should_redact_a_registered_secret_and_token_wherever_they_appear() {
        SecretMasking.registerSecret("my secret+value");
        SecretMasking.registerToken("tok-1234567890");
        String masked = SecretMasking.mask("a my secret+value b my+secret%2Bvalue c tok-1234567890 d");
        assertEquals("a *** b *** c *** d", masked);
    }

    @Test
    void should_redact_json_log_lines_too() {
        SecretMasking.registerToken("tok-1234567890");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        MaskedJsonEncoder encoder = new MaskedJsonEncoder();
        encoder.setContext(context);
        // as the shipped logback.xml sets it: the formatted message, not pattern and arguments
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("t"), Level.DEBUG,
                "sent Authorization: Bearer {}", null, new Object[] {"tok-1234567890"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertFalse(line.contains("tok-1234567890"), line);
        assertTrue(line.contains("Bearer ***"), line);
    }

    @Test
    void should_leave_ordinary_lines_alone() {
        String line = "nb:jid:UUID:1f0b5c43-1d0c-4a3e-9e26-6f1b0f4f0d2a: Queued -> Processing (token endpoint 503)";
        assertEquals(line, SecretMasking.mask(line));
    }

    @Test
    void should_mask_messages_and_stack_traces_with_the_shipped_logback_configuration() throws Exception {
        SecretMasking.registerSecret("the-client-secret");
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(SecretMaskingTest.class.getResource("/logback.xml"));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        Encoder<ILoggingEvent> encoder = ((ConsoleAppender<ILoggingEvent>) root.getAppender("text")).getEncoder();

        // an operator turns DEBUG on for org.apache: the header logger stays capped...
        context.getLogger("org.apache").setLevel(Level.DEBUG);
        Logger headers = context.getLogger("org.apache.hc.client5.http.headers");
        assertFalse(headers.isDebugEnabled(), "HttpClient's header logger is capped at INFO");
        // ...and should it be turned on too, what it writes is masked
        ILoggingEvent event = new LoggingEvent(Logger.class.getName(), headers, Level.DEBUG,
                "{} >> {}", new IllegalStateException("refused the-client-secret"),
                new Object[] {"http-outgoing-1", "Authorization: Bearer abcdefghijklmnop"});
        String out = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertTrue(out.contains("http-outgoing-1 >> Authorization: Bearer ***"), out);
        assertTrue(out.contains("IllegalStateException: refused ***"), out);
        assertFalse(out.contains("the-client-secret") || out.contains("abcdefghijklmnop"), out);
        context.stop();
    }

    @Test
    void should_redact_the_certificate_password_setting_and_a_federated_assertion_read_from_its_file() {
        assertEquals("azure.ad.client-certificate-password with value: ***",
                SecretMasking.mask("azure.ad.client-certificate-password with value: p4ss-w0rd"));
        assertEquals("AZURE_AD_CLIENT_CERTIFICATE_PASSWORD=***", SecretMasking.mask("AZURE_AD_CLIENT_CERTIFICATE_PASSWORD=p4ss-w0rd"));
        SecretMasking.registerAssertion("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl");
        assertEquals("read ***", SecretMasking.mask("read eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl"));
    }
}
