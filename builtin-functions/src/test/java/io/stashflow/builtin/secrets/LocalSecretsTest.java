package io.stashflow.builtin.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretsTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryOfKeyFilesIsReadByteForByteSkippingHiddenEntriesAndInvalidNames() throws IOException {
        Path secret = Files.createDirectories(dir.resolve("demo/repo-secret"));
        Files.writeString(secret.resolve("RESTIC_PASSWORD"), "s3cr3t-value\n");
        Files.writeString(secret.resolve("AWS_ACCESS_KEY_ID"), "AKIA");
        Files.writeString(secret.resolve("not-an-env-name"), "x");
        Files.createDirectories(secret.resolve("..data"));
        Files.writeString(secret.resolve(".hidden"), "x");
        Map<String, String> env = new LocalSecrets(dir).environmentFor("demo", "repo-secret");
        assertEquals(Map.of("RESTIC_PASSWORD", "s3cr3t-value\n", "AWS_ACCESS_KEY_ID", "AKIA"), env);
    }

    @Test
    void anEnvFileHasKeyValueLinesWithCommentsAndValuesKeptAfterTheFirstEquals() throws IOException {
        Files.createDirectories(dir.resolve("demo"));
        Files.writeString(dir.resolve("demo/repo-secret.env"), "# local repository\n\nRESTIC_PASSWORD=a=b c\n"
                + "  REST_SERVER_USERNAME=user\n");
        Map<String, String> env = new LocalSecrets(dir).environmentFor("demo", "repo-secret");
        assertEquals(Map.of("RESTIC_PASSWORD", "a=b c", "REST_SERVER_USERNAME", "user"), env);
    }

    @Test
    void aMalformedLineIsAnErrorThatDoesNotEchoTheLine() throws IOException {
        Files.createDirectories(dir.resolve("demo"));
        Files.writeString(dir.resolve("demo/s.env"), "RESTIC_PASSWORD=ok\nsupersecretwithoutequals\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalSecrets(dir).environmentFor("demo", "s"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("supersecret"));
    }

    @Test
    void aMissingSecretNamesBothLayoutsAndTheOverride() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalSecrets(dir).environmentFor("demo", "absent"));
        assertTrue(e.getMessage().contains(dir.resolve("demo/absent").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("absent.env"), e.getMessage());
        assertTrue(e.getMessage().contains(LocalSecrets.SECRETS_DIR_VARIABLE), e.getMessage());
    }

    @Test
    void aSecretDefinedTwiceIsAnError() throws IOException {
        Files.createDirectories(dir.resolve("demo/both"));
        Files.writeString(dir.resolve("demo/both.env"), "RESTIC_PASSWORD=x\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LocalSecrets(dir).environmentFor("demo", "both"))
                .getMessage().contains("defined twice"));
    }

    @Test
    void namesThatCouldLeaveTheDirectoryAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LocalSecrets(dir).environmentFor("..", "x"));
        assertThrows(IllegalArgumentException.class, () -> new LocalSecrets(dir).environmentFor("demo", "../../etc"));
    }

    @Test
    void theDirectoryComesFromTheEnvironmentOrTheHomeDirectory() {
        assertEquals(Path.of("/srv/secrets"),
                LocalSecrets.fromEnvironment(Map.of(LocalSecrets.SECRETS_DIR_VARIABLE, "/srv/secrets")).directory());
        assertEquals(Path.of(System.getProperty("user.home"), ".stashflow", "secrets"),
                LocalSecrets.fromEnvironment(Map.of()).directory());
    }
}
