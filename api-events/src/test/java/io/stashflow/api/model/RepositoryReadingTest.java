package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepositoryReadingTest {

    private final List<ParsedResource> parsed = ModelFixtures.READER.read(ModelFixtures.fixture("repositories.yaml"));

    private Repository repository(String name) {
        return parsed.stream().map(p -> p.as(Repository.class)).filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsEveryDocumentWithoutWarnings() {
        assertEquals(List.of("local-hostpath", "local-pvc", "s3-repo", "gcs-repo", "azure-repo", "swift-repo", "b2-repo", "rest-repo"),
                parsed.stream().map(p -> p.resource().name()).toList());
        for (ParsedResource resource : parsed) {
            assertEquals(StashKind.REPOSITORY, resource.kind());
            assertEquals("stash.appscode.com/v1alpha1", resource.resource().apiVersion());
            assertEquals(List.of(), resource.warnings());
        }
    }

    @Test
    void localBackendWithHostPathExposesTheInlineVolumeSource() {
        Repository repository = repository("local-hostpath");
        Backend backend = repository.spec().backend();

        assertEquals(Optional.of("local"), backend.provider());
        assertEquals("local-secret", backend.storageSecretName());
        assertEquals("/safe/data", backend.local().mountPath());
        assertEquals("${TARGET_NAMESPACE}/${TARGET_NAME}", backend.local().subPath());
        assertNull(backend.local().volumeSource().getName());
        assertEquals("/data/stash-test/repo", backend.local().volumeSource().getHostPath().getPath());
        assertEquals("DirectoryOrCreate", backend.local().volumeSource().getHostPath().getType());
        assertNull(backend.local().volumeSource().getPersistentVolumeClaim());
        assertEquals(Boolean.TRUE, repository.spec().wipeOut());
        AllowedNamespaces allowed = repository.spec().usagePolicy().allowedNamespaces();
        assertEquals("Selector", allowed.from());
        assertEquals(Map.of("kubernetes.io/metadata.name", "prod"), allowed.selector().getMatchLabels());
        assertEquals("team", allowed.selector().getMatchExpressions().get(0).getKey());
    }

    @Test
    void localBackendKeepsTheInlineShapeWhenWritten() {
        JsonNode local = ModelFixtures.READER.toTree(repository("local-hostpath")).path("spec").path("backend").path("local");

        assertEquals("/safe/data", local.path("mountPath").asText());
        assertEquals("/data/stash-test/repo", local.path("hostPath").path("path").asText());
        assertEquals(false, local.has("volumeSource"));
        assertEquals(false, local.has("name"));
    }

    @Test
    void localBackendWithPersistentVolumeClaim() {
        Repository repository = repository("local-pvc");
        LocalSpec local = repository.spec().backend().local();

        assertNull(repository.spec().backend().storageSecretName());
        assertEquals("/safe/data", local.mountPath());
        assertNull(local.subPath());
        assertEquals("repo-pvc", local.volumeSource().getPersistentVolumeClaim().getClaimName());
        assertEquals(Boolean.FALSE, local.volumeSource().getPersistentVolumeClaim().getReadOnly());
        assertNull(local.volumeSource().getHostPath());
        assertEquals("Same", repository.spec().usagePolicy().allowedNamespaces().from());
        assertNull(repository.spec().wipeOut());
        assertNull(repository.status());
    }

    @Test
    void objectStoreBackends() {
        assertEquals(new S3Spec("s3.amazonaws.com", "stash-demo", "/demo/postgres", "us-west-1", false),
                repository("s3-repo").spec().backend().s3());
        assertEquals(new GCSSpec("stash-gcs", "/demo", 8L), repository("gcs-repo").spec().backend().gcs());
        assertEquals(new AzureSpec("stash-azure", "/demo", 4L), repository("azure-repo").spec().backend().azure());
        assertEquals(new SwiftSpec("stash-swift", "/demo"), repository("swift-repo").spec().backend().swift());
        assertEquals(new B2Spec("stash-b2", "/demo", 2L), repository("b2-repo").spec().backend().b2());
        assertEquals(new RestServerSpec("https://rest.example.com:8000/stash"), repository("rest-repo").spec().backend().rest());
        assertEquals("s3-secret", repository("s3-repo").spec().backend().storageSecretName());
    }

    @Test
    void providerNamesTheBackendThatIsSet() {
        assertEquals(List.of("local", "local", "s3", "gcs", "azure", "swift", "b2", "rest"),
                parsed.stream().map(p -> p.as(Repository.class).spec().backend().provider().orElseThrow()).toList());
        assertEquals(Optional.empty(), new Backend("secret", null, null, null, null, null, null, null).provider());
    }

    @Test
    void status() {
        RepositoryStatus status = repository("local-hostpath").status();

        assertEquals(new RepositoryStatus(2L, "2024-04-01T00:00:00Z", "2024-05-01T10:00:00Z", true, "12.3 MiB", 14L, 1L,
                List.of(new TypedObjectReference("stash.appscode.com", "BackupConfiguration", "sample-postgres-backup", "demo"))),
                status);
    }
}
