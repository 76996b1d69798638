package io.stashflow.builtin.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.builtin.secrets.RepositoryCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResticSetupTest {

    private static final Path SCRATCH = Path.of("/stash-tmp");
    private static final RepositoryCredentials PASSWORD_ONLY = RepositoryCredentials.of(Map.of("RESTIC_PASSWORD", "pw-1234"));

    private static RepositorySettings settings(String provider, String bucket, String endpoint, String prefix) {
        return new RepositorySettings(provider, bucket, endpoint, "", prefix, false, 0, false, SCRATCH);
    }

    @Test
    void localRepositoryIsTheMountPathWithTheOptionalPrefix() {
        assertEquals("local:/safe/data", ResticSetup.plan(settings("local", "/safe/data", "", ""), PASSWORD_ONLY).repository());
        assertEquals("local:/safe/data/demo/app",
                ResticSetup.plan(settings("local", "/safe/data/", "", "/demo/app/"), PASSWORD_ONLY).repository());
    }

    @Test
    void s3RepositoryJoinsEndpointBucketAndPrefixAndPassesKeysAndRegionThroughTheEnvironment() {
        RepositoryCredentials credentials = RepositoryCredentials.of(Map.of("RESTIC_PASSWORD", "pw-1234",
                "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret-key-value"));
        RepositorySettings s3 = new RepositorySettings("s3", "backups", "https://minio.local:9000/", "eu-west-1",
                "demo/pvc", true, 0, false, SCRATCH);
        ResticSetup setup = ResticSetup.plan(s3, credentials);
        assertEquals("s3:https://minio.local:9000/backups/demo/pvc", setup.repository());
        assertEquals("AKIAEXAMPLE", setup.environment().get("AWS_ACCESS_KEY_ID"));
        assertEquals("secret-key-value", setup.environment().get("AWS_SECRET_ACCESS_KEY"));
        assertEquals("eu-west-1", setup.environment().get("AWS_DEFAULT_REGION"));
        assertEquals(setup.repository(), setup.environment().get("RESTIC_REPOSITORY"));
        assertEquals(List.of("--no-cache", "--insecure-tls"), setup.globalFlags());
    }

    @Test
    void s3WithoutEndpointUsesAmazon() {
        assertEquals("s3:s3.amazonaws.com/bucket", ResticSetup.plan(settings("s3", "bucket", "", ""), PASSWORD_ONLY).repository());
    }

    @Test
    void restCarriesTheServerCredentialsInTheLocationOnlyAndNeverDoublesThePrefix() {
        RepositoryCredentials credentials = RepositoryCredentials.of(Map.of("RESTIC_PASSWORD", "pw-1234",
                "REST_SERVER_USERNAME", "backup user", "REST_SERVER_PASSWORD", "p@ss:word"));
        // the resolver passes the URL's path as the prefix as well
        ResticSetup setup = ResticSetup.plan(settings("rest", "rest.local", "http://rest.local:8000/my-repo", "/my-repo"),
                credentials);
        assertEquals("rest:http://backup%20user:p%40ss%3Aword@rest.local:8000/my-repo", setup.repository());
        assertEquals("rest:http://rest.local:8000/my-repo", setup.displayRepository());
        assertEquals("rest:http://rest.local:8000/my-repo/sub",
                ResticSetup.plan(settings("rest", "", "http://rest.local:8000/my-repo", "sub"), PASSWORD_ONLY).repository());
        assertFalse(setup.toString().contains("p@ss"));
        assertFalse(String.join(" ", setup.globalFlags()).contains("p%40ss"));
    }

    @Test
    void otherBackendsUseResticsOwnLocationForms() {
        assertEquals("gs:bucket:/pre/fix", ResticSetup.plan(settings("gcs", "bucket", "", "/pre/fix"), PASSWORD_ONLY).repository());
        assertEquals("azure:container:/p", ResticSetup.plan(settings("azure", "container", "", "p"), PASSWORD_ONLY).repository());
        assertEquals("swift:container:/p", ResticSetup.plan(settings("swift", "container", "", "p"), PASSWORD_ONLY).repository());
        assertEquals("b2:bucket:/", ResticSetup.plan(settings("b2", "bucket", "", ""), PASSWORD_ONLY).repository());
    }

    @Test
    void maxConnectionsBecomesTheBackendsConnectionsOptionForGcsAzureAndB2Only() {
        RepositorySettings gcs = new RepositorySettings("gcs", "b", "", "", "", false, 8, true, SCRATCH);
        ResticSetup setup = ResticSetup.plan(gcs, PASSWORD_ONLY);
        assertEquals(List.of("--option", "gs.connections=8", "--cache-dir", "/stash-tmp/restic-cache"), setup.globalFlags());
        RepositorySettings s3 = new RepositorySettings("s3", "b", "", "", "", false, 8, false, SCRATCH);
        assertEquals(List.of("--no-cache"), ResticSetup.plan(s3, PASSWORD_ONLY).globalFlags());
    }

    @Test
    void gcsServiceAccountKeyAndCaBundleBecomeFilesNeverFlagsOrEnvironmentValues() {
        RepositoryCredentials credentials = RepositoryCredentials.of(Map.of("RESTIC_PASSWORD", "pw-1234",
                "GOOGLE_SERVICE_ACCOUNT_JSON_KEY", "{\"private_key\":\"k\"}", "GOOGLE_PROJECT_ID", "proj",
                "CA_CERT_DATA", "-----BEGIN CERTIFICATE-----"));
        ResticSetup setup = ResticSetup.plan(settings("gcs", "b", "", ""), credentials);
        Path keyFile = Path.of("/stash-tmp/restic-credentials/google-service-account.json");
        Path caFile = Path.of("/stash-tmp/restic-credentials/ca-cert.pem");
        assertEquals("{\"private_key\":\"k\"}", setup.credentialFiles().get(keyFile));
        assertEquals(keyFile.toString(), setup.environment().get("GOOGLE_APPLICATION_CREDENTIALS"));
        assertEquals("proj", setup.environment().get("GOOGLE_PROJECT_ID"));
        assertTrue(setup.globalFlags().containsAll(List.of("--cacert", caFile.toString())));
        assertFalse(setup.environment().containsValue("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void missingPasswordProviderOrBucketAreErrorsThatSayWhatToDo() {
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
                () -> ResticSetup.plan(settings("local", "/r", "", ""), RepositoryCredentials.of(Map.of())));
        assertTrue(noPassword.getMessage().contains("RESTIC_PASSWORD is not set"), noPassword.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ResticSetup.plan(settings("", "/r", "", ""), PASSWORD_ONLY)).getMessage().contains("--provider is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ResticSetup.plan(settings("ftp", "/r", "", ""), PASSWORD_ONLY)).getMessage().contains("not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ResticSetup.plan(settings("s3", "", "", ""), PASSWORD_ONLY)).getMessage().contains("spec.backend.s3.bucket"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ResticSetup.plan(settings("rest", "", "", ""), PASSWORD_ONLY)).getMessage().contains("rest.url"));
    }

    @Test
    void passwordAndProgressRateAndTempDirectoryGoIntoTheEnvironment() {
        ResticSetup setup = ResticSetup.plan(settings("local", "/r", "", ""), PASSWORD_ONLY);
        assertEquals("pw-1234", setup.environment().get("RESTIC_PASSWORD"));
        assertEquals("0.016666", setup.environment().get("RESTIC_PROGRESS_FPS"));
        assertEquals("/stash-tmp/restic-tmp", setup.environment().get("TMPDIR"));
        assertFalse(setup.toString().contains("pw-1234"));
    }
}
