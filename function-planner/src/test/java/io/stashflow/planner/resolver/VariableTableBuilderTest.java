package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.model.AzureSpec;
import io.stashflow.api.model.B2Spec;
import io.stashflow.api.model.Backend;
import io.stashflow.api.model.GCSSpec;
import io.stashflow.api.model.LocalSpec;
import io.stashflow.api.model.RestServerSpec;
import io.stashflow.api.model.S3Spec;
import io.stashflow.api.model.SwiftSpec;
import io.stashflow.planner.resolver.VariableTableBuilder.RestoreHostOptions;
import io.stashflow.planner.resolver.VariableTableBuilder.Retention;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The conditional presence rules of the built-in variables (section 2.3), one by one. */
class VariableTableBuilderTest {

    private static Map<String, String> repositoryVariables(Backend backend) {
        return new VariableTableBuilder().repository("repo", "ns", RepositoryLocation.of(backend)).build();
    }

    private static Backend s3(String endpoint, String region, Boolean insecure, String secret) {
        return new Backend(secret, null, new S3Spec(endpoint, "bucket", "prefix", region, insecure),
                null, null, null, null, null);
    }

    @Nested
    class Repository {

        @Test
        void nameNamespaceProviderBucketPrefixAreAlwaysSet() {
            Map<String, String> vars = repositoryVariables(s3("https://minio", "eu", null, "creds"));
            assertEquals("repo", vars.get("REPOSITORY_NAME"));
            assertEquals("ns", vars.get("REPOSITORY_NAMESPACE"));
            assertEquals("s3", vars.get("REPOSITORY_PROVIDER"));
            assertEquals("bucket", vars.get("REPOSITORY_BUCKET"));
            assertEquals("prefix", vars.get("REPOSITORY_PREFIX"));
        }

        @Test
        void secretVariablesOnlyWithAStorageSecretName() {
            Map<String, String> with = repositoryVariables(s3(null, null, null, "creds"));
            assertEquals("creds", with.get("REPOSITORY_SECRET_NAME"));
            assertEquals("ns", with.get("REPOSITORY_SECRET_NAMESPACE"), "the Repository's namespace");

            Map<String, String> without = repositoryVariables(s3(null, null, null, null));
            assertFalse(without.containsKey("REPOSITORY_SECRET_NAME"));
            assertFalse(without.containsKey("REPOSITORY_SECRET_NAMESPACE"));

            Map<String, String> empty = repositoryVariables(s3(null, null, null, ""));
            assertFalse(empty.containsKey("REPOSITORY_SECRET_NAME"), "an empty name counts as none");
        }

        @Test
        void endpointOnlyForS3WithAnEndpointOrRest() {
            assertEquals("https://minio", repositoryVariables(s3("https://minio", null, null, null)).get("REPOSITORY_ENDPOINT"));
            assertFalse(repositoryVariables(s3("", null, null, null)).containsKey("REPOSITORY_ENDPOINT"));
            assertFalse(repositoryVariables(s3(null, null, null, null)).containsKey("REPOSITORY_ENDPOINT"));
            Backend rest = new Backend(null, null, null, null, null, null, null, new RestServerSpec("http://rest:8000/repo/x"));
            assertEquals("http://rest:8000/repo/x", repositoryVariables(rest).get("REPOSITORY_ENDPOINT"));
            Backend gcs = new Backend(null, null, null, new GCSSpec("b", "p", null), null, null, null, null);
            assertFalse(repositoryVariables(gcs).containsKey("REPOSITORY_ENDPOINT"));
        }

        @Test
        void regionOnlyForS3EvenWhenEmpty() {
            assertEquals("", repositoryVariables(s3(null, null, null, null)).get("REPOSITORY_REGION"));
            assertEquals("eu-west-1", repositoryVariables(s3(null, "eu-west-1", null, null)).get("REPOSITORY_REGION"));
            Backend azure = new Backend(null, null, null, null, new AzureSpec("c", "p", null), null, null, null);
            assertFalse(repositoryVariables(azure).containsKey("REPOSITORY_REGION"));
        }

        @Test
        void insecureTlsAlwaysSetTrueOnlyForInsecureS3() {
            assertEquals("true", repositoryVariables(s3(null, null, true, null)).get("REPOSITORY_INSECURE_TLS"));
            assertEquals("false", repositoryVariables(s3(null, null, false, null)).get("REPOSITORY_INSECURE_TLS"));
            Backend swift = new Backend(null, null, null, null, null, new SwiftSpec("c", "p"), null, null);
            assertEquals("false", repositoryVariables(swift).get("REPOSITORY_INSECURE_TLS"));
        }

        @Test
        void maxConnectionsFromGcsAzureB2OtherwiseZero() {
            assertEquals("7", repositoryVariables(new Backend(null, null, null, new GCSSpec("b", "p", 7L), null, null,
                    null, null)).get("MAX_CONNECTIONS"));
            assertEquals("3", repositoryVariables(new Backend(null, null, null, null, new AzureSpec("c", "p", 3L), null,
                    null, null)).get("MAX_CONNECTIONS"));
            assertEquals("9", repositoryVariables(new Backend(null, null, null, null, null, null,
                    new B2Spec("b", "p", 9L), null)).get("MAX_CONNECTIONS"));
            assertEquals("0", repositoryVariables(new Backend(null, null, null, new GCSSpec("b", "p", null), null, null,
                    null, null)).get("MAX_CONNECTIONS"));
            assertEquals("0", repositoryVariables(s3(null, null, null, null)).get("MAX_CONNECTIONS"));
        }

        @Test
        void localUsesTheMountPathAsBucketAndAnEmptyPrefix() {
            Backend local = new Backend(null, new LocalSpec("/safe/data", "sub", null), null, null, null, null, null, null);
            Map<String, String> vars = repositoryVariables(local);
            assertEquals("local", vars.get("REPOSITORY_PROVIDER"));
            assertEquals("/safe/data", vars.get("REPOSITORY_BUCKET"));
            assertEquals("", vars.get("REPOSITORY_PREFIX"));
        }

        @Test
        void restUsesTheUrlHostAsBucketAndItsPathAsPrefix() {
            Backend rest = new Backend(null, null, null, null, null, null, null, new RestServerSpec("https://rest.example:8000/repos/a"));
            Map<String, String> vars = repositoryVariables(rest);
            assertEquals("rest", vars.get("REPOSITORY_PROVIDER"));
            assertEquals("rest.example", vars.get("REPOSITORY_BUCKET"));
            assertEquals("/repos/a", vars.get("REPOSITORY_PREFIX"));
        }

        @Test
        void aBackendWithoutProviderIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RepositoryLocation.of(new Backend("creds", null, null, null, null, null, null, null)));
            assertTrue(e.getMessage().contains("names no storage provider"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> RepositoryLocation.of(null));
        }
    }

    @Nested
    class Target {

        @Test
        void referenceFieldsOnlyWhenNonEmpty() {
            Map<String, String> vars = new VariableTableBuilder().targetReference("AppBinding", "", null).build();
            assertEquals("AppBinding", vars.get("TARGET_KIND"));
            assertFalse(vars.containsKey("TARGET_NAME"));
            assertFalse(vars.containsKey("TARGET_NAMESPACE"));
        }

        @Test
        void pathsJoinedWithCommaOrTheDefaultDataPath() {
            assertEquals("/a,/b", new VariableTableBuilder().targetPaths(List.of("/a", "/b")).build().get("TARGET_PATHS"));
            assertEquals("/stash-data", new VariableTableBuilder().targetPaths(List.of()).build().get("TARGET_PATHS"));
        }

        @Test
        void driverArgsAndExcludePatternsOnlyWhenNonEmpty() {
            Map<String, String> set = new VariableTableBuilder().driver(List.of("--a", "--b"), List.of("*.tmp", "*.log")).build();
            assertEquals("--a --b", set.get("DRIVER_ARGS"), "joined with a space");
            assertEquals("*.tmp,*.log", set.get("EXCLUDE_PATTERNS"), "joined with a comma");
            Map<String, String> unset = new VariableTableBuilder().driver(List.of(), List.of()).build();
            assertFalse(unset.containsKey("DRIVER_ARGS"));
            assertFalse(unset.containsKey("EXCLUDE_PATTERNS"));
        }

        @Test
        void mountPathIsTheFirstMountOrTheDefault() {
            assertEquals("/data", new VariableTableBuilder().targetMountPath("/data").build().get("TARGET_MOUNT_PATH"));
            assertEquals("/stash-data", new VariableTableBuilder().targetMountPath(null).build().get("TARGET_MOUNT_PATH"));
        }

        @Test
        void cacheAndInterimDataDir() {
            Map<String, String> cached = new VariableTableBuilder().enableCache(false).interimDataDir(false).build();
            assertEquals("true", cached.get("ENABLE_CACHE"));
            assertEquals("/stash-tmp/stash-interim-volume/data", cached.get("INTERIM_DATA_DIR"));
            Map<String, String> uncached = new VariableTableBuilder().enableCache(true).interimDataDir(true).build();
            assertEquals("false", uncached.get("ENABLE_CACHE"));
            assertEquals("/stash-interim-volume/data", uncached.get("INTERIM_DATA_DIR"));
        }
    }

    @Nested
    class RetentionRules {

        @Test
        void countsOnlyWhenPositive() {
            Map<String, String> vars = new VariableTableBuilder()
                    .retention(new Retention(5, 0, 7, 0, 0, 1, List.of(), false, false)).build();
            assertEquals("5", vars.get("RETENTION_KEEP_LAST"));
            assertEquals("7", vars.get("RETENTION_KEEP_DAILY"));
            assertEquals("1", vars.get("RETENTION_KEEP_YEARLY"));
            assertFalse(vars.containsKey("RETENTION_KEEP_HOURLY"));
            assertFalse(vars.containsKey("RETENTION_KEEP_WEEKLY"));
            assertFalse(vars.containsKey("RETENTION_KEEP_MONTHLY"));
        }

        @Test
        void tagsOnlyWhenNonEmptyPruneAndDryRunOnlyWhenTrue() {
            Map<String, String> none = new VariableTableBuilder().retention(Retention.NONE).build();
            assertTrue(none.isEmpty(), "no retention variable without a policy: " + none);
            Map<String, String> all = new VariableTableBuilder()
                    .retention(new Retention(0, 0, 0, 0, 0, 0, List.of("a", "b"), true, true)).build();
            assertEquals("a,b", all.get("RETENTION_KEEP_TAGS"));
            assertEquals("true", all.get("RETENTION_PRUNE"));
            assertEquals("true", all.get("RETENTION_DRY_RUN"));
        }
    }

    @Nested
    class Restore {

        @Test
        void hostSetIsAlwaysPresentEvenWhenNoRuleMatched() {
            Map<String, String> vars = new VariableTableBuilder().restoreHost(RestoreHostOptions.NO_MATCH).build();
            for (String name : List.of("HOSTNAME", "SOURCE_HOSTNAME", "RESTORE_PATHS", "RESTORE_SNAPSHOTS",
                    "INCLUDE_PATTERNS", "EXCLUDE_PATTERNS")) {
                assertEquals("", vars.get(name), name);
            }
        }

        @Test
        void ruleValuesJoinedWithCommas() {
            Map<String, String> vars = new VariableTableBuilder().restoreHost(new RestoreHostOptions("h", "s",
                    List.of("/a", "/b"), List.of("s1", "s2"), List.of("*.sql"), List.of("*.tmp"))).build();
            assertEquals("h", vars.get("HOSTNAME"));
            assertEquals("s", vars.get("SOURCE_HOSTNAME"));
            assertEquals("/a,/b", vars.get("RESTORE_PATHS"));
            assertEquals("s1,s2", vars.get("RESTORE_SNAPSHOTS"));
            assertEquals("*.sql", vars.get("INCLUDE_PATTERNS"));
            assertEquals("*.tmp", vars.get("EXCLUDE_PATTERNS"));
        }

        @Test
        void replicasDefaultToOne() {
            assertEquals("1", new VariableTableBuilder().targetAppReplicas(null).build().get("TARGET_APP_REPLICAS"));
            assertEquals("3", new VariableTableBuilder().targetAppReplicas(3).build().get("TARGET_APP_REPLICAS"));
        }
    }

    @Test
    void sessionInvokerImageLicenseAndMetrics() {
        ResolverSettings settings = new ResolverSettings("registry.example:5000/team/stashflow:1.2.3", "http://pg:9091", "lic");
        Map<String, String> vars = new VariableTableBuilder().backupSession("s-1", "ns").invoker("BackupConfiguration", "bc")
                .image(settings).license(settings.licenseApiService()).metrics(settings.pushgatewayUrl(), "bc").build();
        assertEquals("s-1", vars.get("BACKUP_SESSION"));
        assertEquals("ns", vars.get("NAMESPACE"));
        assertFalse(vars.containsKey("RESTORE_SESSION"));
        assertEquals("BackupConfiguration", vars.get("INVOKER_KIND"));
        assertEquals("bc", vars.get("INVOKER_NAME"));
        assertEquals("registry.example:5000/team", vars.get("STASH_DOCKER_REGISTRY"));
        assertEquals("stashflow", vars.get("STASH_DOCKER_IMAGE"));
        assertEquals("1.2.3", vars.get("STASH_IMAGE_TAG"));
        assertEquals("lic", vars.get("LICENSE_APISERVICE"));
        assertEquals("http://pg:9091", vars.get("PROMETHEUS_PUSHGATEWAY_URL"));
        assertEquals("bc", vars.get("PROMETHEUS_JOB_NAME"), "Stash sets the invoker name here");
    }

    @Test
    void taskParamsOverrideEveryBuiltIn() {
        Map<String, String> vars = new VariableTableBuilder().backupSession("s", "ns").hostname("host-0")
                .taskParams(Map.of("NAMESPACE", "mine", "HOSTNAME", "h")).build();
        assertEquals("mine", vars.get("NAMESPACE"));
        assertEquals("h", vars.get("HOSTNAME"));
    }

    @Test
    void settingsSplitTheImageLikeStash() {
        ResolverSettings untagged = new ResolverSettings("ghcr.io/stashflow/stashflow", "u", "");
        assertEquals("latest", untagged.imageTag());
        assertEquals("ghcr.io/stashflow", untagged.dockerRegistry());
        assertThrows(IllegalArgumentException.class, () -> new ResolverSettings("stashflow:1", "u", ""));
        assertThrows(IllegalArgumentException.class, () -> new ResolverSettings("ghcr.io/a/b@sha256:00", "u", ""));
        assertTrue(ResolverSettings.defaults().stashflowImage().startsWith("ghcr.io/stashflow/stashflow:"));
        assertEquals("http://localhost:56789", ResolverSettings.defaults().pushgatewayUrl());
        assertEquals("", ResolverSettings.defaults().licenseApiService());
    }
}
