package io.stashflow.builtin.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void onlyStorageSecretKeysAreTakenAndTheSecretDirectoryWins() throws IOException {
        Files.writeString(dir.resolve("RESTIC_PASSWORD"), "from-volume");
        Files.writeString(dir.resolve("UNRELATED"), "x");
        RepositoryCredentials credentials = RepositoryCredentials.collect(
                Map.of("RESTIC_PASSWORD", "from-env", "AWS_ACCESS_KEY_ID", "AKIA", "HOME", "/root"), Optional.of(dir));
        assertEquals(Map.of("RESTIC_PASSWORD", "from-volume", "AWS_ACCESS_KEY_ID", "AKIA"), credentials.values());
        assertFalse(credentials.toString().contains("from-volume"));
    }

    @Test
    void aMissingSecretDirectoryIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> RepositoryCredentials.collect(Map.of(), Optional.of(dir.resolve("absent"))));
    }

    @Test
    void theRedactorHidesValuesAndTheirUrlEncodedForms() {
        SecretRedactor redactor = RepositoryCredentials.of(Map.of("RESTIC_PASSWORD", "p@ss word!",
                "REST_SERVER_USERNAME", "ab")).redactor();
        assertEquals("x <redacted> y <redacted> ab", redactor.redact("x p@ss word! y p%40ss+word%21 ab"));
    }
}
