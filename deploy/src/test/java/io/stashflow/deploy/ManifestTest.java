package io.stashflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResourceReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped manifests read with the libraries Stashflow itself uses: the CRDs with fabric8's typed model (a wrong
 * type fails the load, an unknown field lands in {@code additionalProperties} and is reported), the sample custom
 * resources with Stashflow's own Stash model, the rendered chart (when {@code .ci/run} left it in
 * {@code target/helm-rendered}) with fabric8's model, and CRDs plus one resource of each kind applied to the fabric8 mock
 * API server, where the status subresource must keep status out of main-resource writes.
 *
 * <p>{@code deploy/validate/validate.mjs} checks the same files against JSON schemas; the two find different mistakes
 * (../shared/reference/kubernetes-testing.md §4), so both run.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestTest {

    private static final Path DEPLOY = deployDir();
    private static final Path CRDS = DEPLOY.resolve("crds");
    private static final Path SAMPLES = DEPLOY.resolve("validate/samples");
    private static final Path CHART_CRDS = DEPLOY.resolve("helm/stashflow/crds");
    private static final Path RENDERED = DEPLOY.resolve("target/helm-rendered");

    KubernetesClient client;

    private List<CustomResourceDefinition> crds;

    @BeforeEach
    void loadCrds() throws IOException {
        crds = new ArrayList<>();
        for (Path file : crdFiles()) {
            for (HasMetadata item : load(file)) {
                CustomResourceDefinition crd = assertInstanceOfCrd(file, item);
                crds.add(crd);
            }
        }
    }

    @Test
    void everyStashKindHasExactlyOneCrdMatchingStashflowsModel() {
        Map<String, CustomResourceDefinition> byKind = crds.stream()
                .collect(Collectors.toMap(c -> c.getSpec().getNames().getKind(), c -> c, (a, b) -> {
                    throw new AssertionError("two CRDs for kind " + a.getSpec().getNames().getKind());
                }, LinkedHashMap::new));
        for (StashKind kind : StashKind.values()) {
            CustomResourceDefinition crd = byKind.get(kind.kind());
            assertNotNull(crd, "no CRD for " + kind.kind());
            assertEquals(kind.group(), crd.getSpec().getGroup(), kind.kind());
            assertEquals(kind.clusterScoped() ? "Cluster" : "Namespaced", crd.getSpec().getScope(), kind.kind());
            CustomResourceDefinitionVersion version = onlyVersion(crd);
            assertEquals(kind.apiVersion(), crd.getSpec().getGroup() + "/" + version.getName(), kind.kind());
            boolean hasStatus = version.getSchema().getOpenAPIV3Schema().getProperties().containsKey("status");
            assertEquals(hasStatus, version.getSubresources() != null && version.getSubresources().getStatus() != null,
                    kind.kind() + ": a status property and the status subresource go together");
        }
        assertEquals(StashKind.values().length, byKind.size(), "CRDs for kinds Stashflow does not read: " + byKind.keySet());
    }

    @Test
    void printerColumnsAreStashs() {
        assertEquals(List.of("Invoker-Type", "Invoker-Name", "Phase", "Duration", "Age"), columns("BackupSession"));
        assertEquals(List.of("Task", "Schedule", "Paused", "Phase", "Age"), columns("BackupConfiguration"));
        assertEquals(List.of("Integrity", "Size", "Snapshot-Count", "Last-Successful-Backup", "Age"), columns("Repository"));
        assertEquals(List.of("bc"), crd("BackupConfiguration").getSpec().getNames().getShortNames());
        assertEquals(List.of("repo"), crd("Repository").getSpec().getNames().getShortNames());
        assertEquals(List.of("fn"), crd("Function").getSpec().getNames().getShortNames());
    }

    @Test
    void crdsHaveNoFieldsFabric8DoesNotKnow() {
        List<String> unknown = new ArrayList<>();
        for (CustomResourceDefinition crd : crds) {
            unknownFields(crd, crd.getMetadata().getName(), unknown);
        }
        assertEquals(List.of(), unknown);
    }

    @Test
    void combinedFileAndChartCopyHoldTheSameCrds() throws IOException {
        List<HasMetadata> combined = load(CRDS.resolve("crds.yaml"));
        assertEquals(crds.size(), combined.size(), "crds.yaml must hold every per-kind file");
        Map<String, HasMetadata> byName = combined.stream()
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
        for (CustomResourceDefinition crd : crds) {
            // equals() of the fabric8 model compares every field; the message stays short on purpose
            assertTrue(crd.equals(byName.get(crd.getMetadata().getName())),
                    "crds.yaml differs from the file of " + crd.getMetadata().getName());
        }
        for (Path file : crdFiles()) {
            Path copy = CHART_CRDS.resolve(file.getFileName());
            assertEquals(Files.readString(file), Files.readString(copy), "chart copy differs: " + copy);
        }
    }

    @Test
    void samplesReadWithStashflowsModelWithoutUnknownFields() throws IOException {
        StashResourceReader reader = new StashResourceReader();
        Set<StashKind> seen = EnumSet.noneOf(StashKind.class);
        for (Path file : sampleFiles()) {
            for (ParsedResource parsed : reader.read(file)) {
                assertEquals(List.of(), parsed.warnings(), file + ": fields Stashflow's model does not know");
                seen.add(parsed.kind());
            }
        }
        assertEquals(EnumSet.allOf(StashKind.class), seen, "one sample per kind");
    }

    @Test
    void unknownFieldWalkFindsATypo() {
        // the walk below is what catches `imagee:` in the rendered chart; make sure it still does
        Deployment deployment = Serialization.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          imagee: x
                """, Deployment.class);
        List<String> unknown = new ArrayList<>();
        unknownFields(deployment, "Deployment/d", unknown);
        assertEquals(List.of("Deployment/d.spec.template.spec.containers[0] unknown [imagee]"), unknown);
        List<String> none = new ArrayList<>();
        unknownFields(new DeploymentBuilder().withNewMetadata().withName("ok").endMetadata().build(), "ok", none);
        assertEquals(List.of(), none);
    }

    @Test
    void renderedChartHasOnlyKnownFields() throws IOException {
        assumeTrue(Files.isDirectory(RENDERED), "no rendered chart in " + RENDERED + " (.ci/run renders it with helm)");
        List<Path> files;
        try (Stream<Path> list = Files.list(RENDERED)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "empty " + RENDERED);
        List<String> unknown = new ArrayList<>();
        int builtIn = 0;
        for (Path file : files) {
            for (HasMetadata item : load(file)) {
                // custom resources have no typed model here; the chart renders none but the CRDs
                assertFalse(item instanceof GenericKubernetesResource, file + ": unexpected " + item.getKind());
                unknownFields(item, file.getFileName() + ":" + item.getKind() + "/" + item.getMetadata().getName(), unknown);
                builtIn++;
            }
        }
        assertTrue(builtIn > 0);
        assertEquals(List.of(), unknown);
    }

    @Test
    void crdsAndOneResourceOfEachKindApplyToTheApiServer() throws IOException {
        applyCrds();
        StashResourceReader reader = new StashResourceReader();
        Set<StashKind> created = EnumSet.noneOf(StashKind.class);
        for (Path file : sampleFiles()) {
            for (ParsedResource parsed : reader.read(file)) {
                GenericKubernetesResource resource = Serialization.unmarshal(parsed.document().toString(),
                        GenericKubernetesResource.class);
                GenericKubernetesResource stored = resources(parsed.kind(), resource).resource(resource).create();
                assertEquals(resource.getMetadata().getName(), stored.getMetadata().getName());
                assertNotNull(resources(parsed.kind(), resource).withName(resource.getMetadata().getName()).get());
                created.add(parsed.kind());
            }
        }
        assertEquals(EnumSet.allOf(StashKind.class), created);
    }

    @Test
    void statusSubresourceKeepsStatusOutOfMainResourceWrites() {
        applyCrds();
        for (StashKind kind : List.of(StashKind.BACKUP_SESSION, StashKind.RESTORE_SESSION, StashKind.REPOSITORY,
                StashKind.BACKUP_CONFIGURATION, StashKind.BACKUP_BATCH)) {
            GenericKubernetesResource resource = new GenericKubernetesResource();
            resource.setApiVersion(kind.apiVersion());
            resource.setKind(kind.kind());
            resource.setMetadata(new ObjectMetaBuilder()
                    .withName("status-check").withNamespace("demo").build());
            resource.setAdditionalProperty("spec", minimalSpec(kind));
            Resource<GenericKubernetesResource> handle = resources(kind, resource).withName("status-check");
            resources(kind, resource).resource(resource).create();

            // written through /status: kept
            handle.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"status\":{\"observedGeneration\":7}}");
            assertEquals(7, status(handle.get()).get("observedGeneration"), kind.kind() + " /status write");

            // written through the main resource: ignored, as the API server does for a CRD with the status subresource
            GenericKubernetesResource current = handle.get();
            current.setAdditionalProperty("status", Map.of("observedGeneration", 99));
            current.getMetadata().setLabels(Map.of("touched", "yes"));
            resources(kind, current).resource(current).update();
            assertEquals(Map.of("touched", "yes"), handle.get().getMetadata().getLabels(), kind.kind() + " main PUT applied");
            assertEquals(7, status(handle.get()).get("observedGeneration"),
                    kind.kind() + ": a main-resource PUT must not change status");
        }
    }

    @Test
    void kindsWithoutStatusHaveNoStatusSubresource() {
        for (String kind : List.of("Function", "Task", "BackupBlueprint", "AppBinding")) {
            CustomResourceDefinitionVersion version = onlyVersion(crd(kind));
            assertNull(version.getSubresources(), kind);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Object minimalSpec(StashKind kind) {
        return switch (kind) {
            case BACKUP_SESSION -> Map.of("invoker", Map.of("kind", "BackupConfiguration", "name", "x"));
            case REPOSITORY -> Map.of("backend", Map.of("rest", Map.of("url", "http://r")));
            default -> Map.of();
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource resource) {
        Object status = resource.getAdditionalProperties().get("status");
        assertNotNull(status, resource.getKind() + " has no status");
        return (Map<String, Object>) status;
    }

    private void applyCrds() {
        for (CustomResourceDefinition crd : crds) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
        assertEquals(crds.size(), client.apiextensions().v1().customResourceDefinitions().list().getItems().size());
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> resources(StashKind kind, GenericKubernetesResource resource) {
        CustomResourceDefinition crd = crd(kind.kind());
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(crd.getSpec().getGroup())
                .withVersion(onlyVersion(crd).getName())
                .withKind(kind.kind())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withNamespaced(!kind.clusterScoped())
                .build();
        if (kind.clusterScoped()) {
            return client.genericKubernetesResources(context);
        }
        String namespace = resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
        return client.genericKubernetesResources(context).inNamespace(namespace);
    }

    private CustomResourceDefinition crd(String kind) {
        return crds.stream().filter(c -> c.getSpec().getNames().getKind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no CRD for " + kind));
    }

    private List<String> columns(String kind) {
        return onlyVersion(crd(kind)).getAdditionalPrinterColumns().stream().map(c -> c.getName()).toList();
    }

    private static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
        assertEquals(1, crd.getSpec().getVersions().size(), crd.getMetadata().getName());
        return crd.getSpec().getVersions().get(0);
    }

    private static CustomResourceDefinition assertInstanceOfCrd(Path file, HasMetadata item) {
        if (item instanceof CustomResourceDefinition crd) {
            return crd;
        }
        throw new AssertionError(file + ": expected a CustomResourceDefinition, got " + item.getKind());
    }

    private List<HasMetadata> load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return client.load(in).items();
        }
    }

    private static List<Path> crdFiles() throws IOException {
        try (Stream<Path> list = Files.list(CRDS)) {
            List<Path> files = list.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("crds.yaml")).sorted().toList();
            assertFalse(files.isEmpty(), "no CRDs in " + CRDS);
            return files;
        }
    }

    private static List<Path> sampleFiles() throws IOException {
        try (Stream<Path> list = Files.list(SAMPLES)) {
            return list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Path deployDir() {
        // surefire runs in the module directory; an IDE may run from the repository root
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(here, here.resolve("deploy"))) {
            if (Files.isDirectory(candidate.resolve("crds")) && Files.isDirectory(candidate.resolve("helm"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find deploy/crds from " + here);
    }

    /**
     * Reports every fabric8 model object under {@code value} whose {@code additionalProperties} map is not empty: Jackson
     * puts the fields the model does not declare there, i.e. typos and fields of a newer Kubernetes than fabric8's.
     */
    static void unknownFields(Object value, String path, List<String> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")
                || value instanceof GenericKubernetesResource) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // a getter that cannot be called holds no parsed field
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (field.equals("additionalProperties") && child instanceof Map<?, ?> extra) {
                if (!extra.isEmpty()) {
                    out.add(path + " unknown " + extra.keySet().stream().map(String::valueOf).sorted().toList());
                }
                continue;
            }
            unknownFields(child, path + "." + field, out);
        }
    }
}
