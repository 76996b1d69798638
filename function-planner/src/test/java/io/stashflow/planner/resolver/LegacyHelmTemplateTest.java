package io.stashflow.planner.resolver;

import static io.stashflow.planner.resolver.ResolverTestSupport.container;
import static io.stashflow.planner.resolver.ResolverTestSupport.flag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.planner.resolver.ResolutionException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The legacy (2019) stashed/postgres chart's {@code pg-backup-task.yaml} and {@code pg-backup-function.yaml} from
 * {@code shared/conformance/stash-catalog/helm-templates/}: the {@code secretVolume} pattern, where the Task declares a
 * Secret volume named by {@code ${REPOSITORY_SECRET_NAME}} and hands its name to the Function as the step param
 * {@code secretVolume}, which the Function mounts by {@code name: ${secretVolume}}.
 *
 * <p>The files are Helm templates and are not valid YAML before rendering ({@code {{ ... }}} at the start of a value
 * opens a YAML flow mapping). This test renders the few Helm expressions they contain with fixed test values
 * ({@link #HELM_VALUES}), exactly as written, and fails if any expression is left over.
 *
 * <p>As shipped, the Task's step names Function {@code pg-backup} while the Function is called
 * {@code pg-backup-{{ .Chart.Version }}}; the test shows that this fails to resolve, then loads the rendered Function a
 * second time under the step's name (a test-only rename of {@code metadata.name}) to check the secretVolume pattern.
 */
class LegacyHelmTemplateTest {

    /** The fixed values the Helm expressions are rendered with. */
    private static final Map<String, String> HELM_VALUES = new LinkedHashMap<>();

    static {
        HELM_VALUES.put("\n\\s*\\{\\{- include \"postgres-stash.labels\" \\. \\| nindent 4 \\}\\}",
                "\n    app.kubernetes.io/name: postgres-stash\n    app.kubernetes.io/instance: test");
        HELM_VALUES.put("\\{\\{ \\.Chart\\.Version \\}\\}", "0.2.0");
        HELM_VALUES.put("\\{\\{ \\.Values\\.global\\.registry \\}\\}/\\{\\{ \\.Values\\.global\\.image \\}\\}:"
                + "\\{\\{- \\.Values\\.global\\.tag \\}\\}", "stashed/postgres-stash:11.2");
        HELM_VALUES.put("\\{\\{ \\.Values\\.global\\.backup\\.pgArgs \\}\\}", "");
        HELM_VALUES.put("\\{\\{ \\.Values\\.global\\.metrics\\.enabled \\}\\}", "true");
        // global.metrics.labels is empty, so the {{- if }} block renders to nothing
        HELM_VALUES.put("\n\\s*\\{\\{- if \\.Values\\.global\\.metrics\\.labels \\}\\}(?s:.*?)\\{\\{- end \\}\\}", "");
    }

    private static final String FIXTURES = """
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: gcs-repo, namespace: demo}
            spec:
              backend:
                gcs: {bucket: legacy, prefix: pg}
                storageSecretName: gcs-secret
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupConfiguration
            metadata: {name: pg-legacy, namespace: demo}
            spec:
              task: {name: pg-backup}
              repository: {name: gcs-repo}
              target:
                ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}
            ---
            apiVersion: appcatalog.appscode.com/v1alpha1
            kind: AppBinding
            metadata: {name: pg, namespace: demo}
            spec: {type: kubedb.com/postgres}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupSession
            metadata: {name: pg-legacy-1, namespace: demo}
            spec:
              invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: pg-legacy}
            """;

    private static String renderedTask;
    private static String renderedFunction;

    @BeforeAll
    static void render() throws IOException {
        Path dir = ResolverTestSupport.catalogDirectory().resolve("helm-templates");
        renderedTask = renderHelm(Files.readString(dir.resolve("pg-backup-task.yaml"), StandardCharsets.UTF_8));
        renderedFunction = renderHelm(Files.readString(dir.resolve("pg-backup-function.yaml"), StandardCharsets.UTF_8));
    }

    private static String renderHelm(String template) {
        String rendered = template;
        for (Map.Entry<String, String> value : HELM_VALUES.entrySet()) {
            rendered = Pattern.compile(value.getKey()).matcher(rendered).replaceAll(Matcher.quoteReplacement(value.getValue()));
        }
        assertFalse(rendered.contains("{{"), "a Helm expression was not rendered:\n" + rendered);
        return rendered;
    }

    private static List<ParsedResource> definitions(String... extra) {
        List<ParsedResource> all = new ArrayList<>(ResolverTestSupport.readYaml(renderedTask));
        all.addAll(ResolverTestSupport.readYaml(renderedFunction));
        all.addAll(ResolverTestSupport.readYaml(FIXTURES));
        for (String document : extra) {
            all.addAll(ResolverTestSupport.readYaml(document));
        }
        return all;
    }

    /** The rendered Function once more, under the name the Task's step uses. */
    private static String functionUnderStepName() {
        return renderedFunction.replace("name: pg-backup-0.2.0", "name: pg-backup");
    }

    @Test
    void theRenderedTemplatesParseWithoutWarnings() {
        for (ParsedResource parsed : definitions()) {
            assertTrue(parsed.warnings().isEmpty(), parsed.resource().name() + ": " + parsed.warnings());
        }
    }

    @Test
    void asShippedTheTaskNamesAFunctionThatDoesNotExist() {
        ResolutionException e = assertThrows(ResolutionException.class,
                () -> ResolverTestSupport.resolver(definitions()).resolveBackupSession("demo", "pg-legacy-1"));
        assertEquals(Reason.MISSING_DEFINITION, e.reason());
        assertTrue(e.getMessage().startsWith("can't get Function pg-backup for Task pg-backup"), e.getMessage());
    }

    @Test
    void secretVolumePatternMountsTheRepositorySecret() throws Exception {
        ResolvedPlan plan = ResolverTestSupport.resolver(definitions(functionUnderStepName()))
                .resolveBackupSession("demo", "pg-legacy-1").get(0);
        Volume secretVolume = plan.pod().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("secret-volume")).findFirst().orElseThrow();
        assertEquals("gcs-secret", secretVolume.getSecret().getSecretName());

        Container backup = container(plan.pod(), "pg-backup-0");
        assertEquals("stashed/postgres-stash:11.2", backup.getImage());
        assertTrue(backup.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("secret-volume")
                && m.getMountPath().equals("/etc/repository/secret")), "" + backup.getVolumeMounts());
        assertEquals("/etc/repository/secret", flag(backup, "--secret-dir"));
        assertEquals("/tmp/output", flag(backup, "--output-dir"));
        assertEquals("", flag(backup, "--pg-args"));
        assertEquals("true", flag(backup, "--metrics-enabled"));
        assertEquals("http://pushgateway.test:9091", flag(backup, "--metrics-pushgateway-url"));
        assertEquals("", flag(backup, "--rest-server-url"), "REPOSITORY_URL is not a Stash variable; its default applies");
        assertEquals("pg", flag(backup, "--app-binding"));
        assertEquals("/tmp/output", flag(container(plan.pod(), "update-status-1"), "--output-dir"));
    }

    @Test
    void withoutAStorageSecretTheTaskVolumeCannotResolve() {
        ResolutionException e = assertThrows(ResolutionException.class, () -> ResolverTestSupport.resolver(
                definitions(functionUnderStepName(), """
                        apiVersion: stash.appscode.com/v1alpha1
                        kind: Repository
                        metadata: {name: gcs-repo, namespace: demo}
                        spec: {backend: {gcs: {bucket: legacy, prefix: pg}}}
                        """)).resolveBackupSession("demo", "pg-legacy-1"));
        assertEquals(Reason.UNRESOLVED_VARIABLE, e.reason());
        assertEquals("Task", e.resourceKind());
        assertEquals("pg-backup", e.resourceName());
        assertEquals("spec.volumes[0].secret.secretName", e.fieldPath());
        assertEquals("REPOSITORY_SECRET_NAME", e.variable());
    }
}
