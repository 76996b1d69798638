package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppBindingReadingTest {

    @Test
    void appBindingWithEveryField() {
        AppBinding binding = ModelFixtures.readSingle("appbinding-full.yaml", AppBinding.class);
        AppBindingSpec spec = binding.spec();

        assertEquals("appcatalog.appscode.com/v1alpha1", binding.apiVersion());
        assertEquals("sample-postgres", binding.name());
        assertEquals("demo", binding.namespace());
        assertEquals("kubedb.com/postgres", spec.type());
        assertEquals("kubedb.com", spec.appRef().getApiGroup());
        assertEquals("Postgres", spec.appRef().getKind());
        assertEquals("sample-postgres", spec.appRef().getName());
        // kmodules' appRef has a namespace; fabric8's TypedLocalObjectReference keeps it aside
        assertEquals("demo", spec.appRef().getAdditionalProperties().get("namespace"));
        assertEquals("16.1", spec.version());
        assertEquals(new ClientConfig("postgres://sample-postgres.demo.svc:5432/postgres",
                new ServiceReference("postgresql", "sample-postgres", 5432, "/postgres", "sslmode=disable", "demo"),
                true, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", "sample-postgres.demo.svc"), spec.clientConfig());
        assertEquals("sample-postgres-auth", spec.secret().getName());
        assertEquals(2, spec.secretTransforms().size());
        assertEquals("username", spec.secretTransforms().get(0).path("renameKey").path("to").asText());
        assertEquals("extra-keys", spec.secretTransforms().get(1).path("addKeysFrom").path("secretRef").path("name").asText());
        assertEquals("StashAddon", spec.parameters().path("kind").asText());
        assertEquals("sample-postgres-client-cert", spec.tlsSecret().getName());
    }

    @Test
    void stashAddonFromParameters() {
        AppBindingSpec spec = ModelFixtures.readSingle("appbinding-full.yaml", AppBinding.class).spec();

        assertEquals(Optional.of(new StashAddon(
                new StashTaskSpec("postgres-backup-16.1", List.of(new Param("args", "--clean"))),
                new StashTaskSpec("postgres-restore-16.1", List.of(new Param("args", "--single-transaction"))))),
                spec.stashAddon());
    }

    @Test
    void noAddonWithoutStashParameters() {
        AppBindingSpec withoutParameters = new AppBindingSpec("mysql", null, "8.0", null, null, List.of(), null, null);
        JsonNode otherParameters = StashResourceReader.jsonMapper().createObjectNode().put("kind", "MySQLParameters");
        AppBindingSpec withOtherParameters = new AppBindingSpec("mysql", null, "8.0", null, null, List.of(), otherParameters, null);

        assertEquals(Optional.empty(), withoutParameters.stashAddon());
        assertEquals(Optional.empty(), withOtherParameters.stashAddon());
    }

    @Test
    void malformedAddonIsReportedWithItsPath() {
        String yaml = """
                apiVersion: appcatalog.appscode.com/v1alpha1
                kind: AppBinding
                metadata: {name: broken, namespace: demo}
                spec:
                  parameters:
                    stash:
                      addon:
                        backupTask:
                          name: mysql-backup-8.0.21
                          params: oops
                """;
        ResourceParseException error = assertThrows(ResourceParseException.class,
                () -> ModelFixtures.READER.read(yaml, "binding.yaml"));

        assertTrue(error.getMessage().startsWith("binding.yaml (document 1): AppBinding demo/broken: "), error.getMessage());
        assertTrue(error.getMessage().contains("spec.parameters.stash.addon.backupTask.params: expected a list, got \"oops\""),
                error.getMessage());
    }
}
