package io.stashflow.api.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.stashflow.api.registry.SchemaRegistryException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST client over TLS, trusting a registry's self-signed certificate through a trust store file. */
class ConfluentRestSchemaRegistryTlsTest {

    private static final String STORE_PASSWORD = "store-pass-123";

    @TempDir
    static Path dir;
    private static Path keyStore;
    private static HttpsServer server;

    @BeforeAll
    static void startTlsServer() throws Exception {
        keyStore = dir.resolve("registry.p12");
        // keytool ships with every JDK; a certificate made per run keeps key material out of the repository
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed: " + output);

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            byte[] body = "[\"tls-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", ConfluentRestSchemaRegistry.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aTrustStoreFileMakesTheRegistryTrusted() {
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.builder(url())
                .trustStore(keyStore, STORE_PASSWORD, null).build();
        assertEquals(List.of("tls-value"), client.subjects());
    }

    @Test
    void withoutTheTrustStoreTheCertificateIsRefused() {
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.of(url()).subjects());
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("Cannot reach the schema registry at " + url()), e.getMessage());
    }

    @Test
    void aWrongTrustStorePasswordIsReportedWithoutThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfluentRestSchemaRegistry.builder(url()).trustStore(keyStore, "wrong-pass-987", "PKCS12"));
        assertTrue(e.getMessage().contains(keyStore.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pass-987"), e.getMessage());
    }
}
