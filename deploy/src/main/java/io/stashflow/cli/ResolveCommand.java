package io.stashflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.ResourceParseException;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.planner.resolver.BuiltinDefinitions;
import io.stashflow.planner.resolver.InMemoryDefinitions;
import io.stashflow.planner.resolver.ResolutionException;
import io.stashflow.planner.resolver.ResolvedPlan;
import io.stashflow.planner.resolver.ResolverSettings;
import io.stashflow.planner.resolver.StashResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow resolve}: a dry run of the planner. Reads Stash resources from files and directories, resolves
 * one BackupSession or RestoreSession and prints the Pod the executor would create.
 */
@Command(
        name = "resolve",
        mixinStandardHelpOptions = true,
        description = {
            "Resolve a BackupSession or RestoreSession to the Kubernetes Pod the executor would create, the way Stash"
                    + " builds its backup/restore Job pod from the Task, its Functions, the invoker, the Repository"
                    + " and (for AppBinding targets) the AppBinding's addon.",
            "PATHs are files or directories; directories are searched recursively for *.yaml, *.yml and *.json."
                    + " Stashflow's built-in Functions and Tasks (update-status, pvc-backup, pvc-restore) are"
                    + " available unless the definitions define their own.",
            "When a resource is defined twice, the definition read last wins (files in the order given,"
                    + " directories in name order) and a warning says so.",
            "A BackupBatch session resolves to one Pod per member: YAML output then holds several documents,"
                    + " JSON output a v1 List.",
            "",
            "Exit status: 0 on success; 1 when the definitions cannot be read or the session cannot be resolved"
                    + " (the reason goes to standard error); 2 for bad options.",
        })
public final class ResolveCommand implements Callable<Integer> {

    static final int RESOLUTION_FAILED = 1;

    /** Output formats. */
    enum Format { yaml, json }

    @Option(names = "--definitions", required = true, arity = "1..*", paramLabel = "PATH",
            description = "Files or directories with the Stash resources (repeatable).")
    List<Path> definitions = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    SessionChoice session;

    static final class SessionChoice {
        @Option(names = "--backup-session", paramLabel = "NS/NAME", required = true,
                description = "The BackupSession to resolve.")
        String backupSession;

        @Option(names = "--restore-session", paramLabel = "NS/NAME", required = true,
                description = "The RestoreSession to resolve.")
        String restoreSession;
    }

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format output = Format.yaml;

    @Option(names = "--stashflow-image", paramLabel = "IMAGE",
            description = "Stashflow's image for the built-in Functions and hooks (default: ${DEFAULT-VALUE}).")
    String stashflowImage = ResolverSettings.defaults().stashflowImage();

    @Option(names = "--pushgateway-url", paramLabel = "URL",
            description = "PROMETHEUS_PUSHGATEWAY_URL and the hooks' pushgateway URL (default: ${DEFAULT-VALUE}).")
    String pushgatewayUrl = ResolverSettings.DEFAULT_PUSHGATEWAY_URL;

    @Option(names = "--license-apiservice", paramLabel = "VALUE", description = "LICENSE_APISERVICE (default: empty).")
    String licenseApiService = "";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = StashResourceReader.jsonMapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean backup = session.backupSession != null;
        String[] ref = namespacedName(backup ? "--backup-session" : "--restore-session",
                backup ? session.backupSession : session.restoreSession);
        ResolverSettings settings;
        try {
            settings = new ResolverSettings(stashflowImage, pushgatewayUrl, licenseApiService);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--stashflow-image: " + e.getMessage());
        }

        List<ParsedResource> parsed;
        try {
            parsed = readDefinitions(definitions, err);
        } catch (ResourceParseException | UncheckedIOException e) {
            err.println(e.getMessage());
            return RESOLUTION_FAILED;
        }

        var lookup = BuiltinDefinitions.withBuiltins(InMemoryDefinitions.of(parsed));
        StashResolver resolver = new StashResolver(lookup, settings);
        List<ResolvedPlan> plans;
        try {
            if (backup) {
                if (lookup.backupSession(ref[0], ref[1]).isEmpty()) {
                    err.println(missingBackupSession(ref[0], ref[1], parsed));
                    return RESOLUTION_FAILED;
                }
                plans = resolver.resolveBackupSession(ref[0], ref[1]);
            } else {
                if (lookup.restoreSession(ref[0], ref[1]).isEmpty()) {
                    err.println("RestoreSession " + ref[0] + "/" + ref[1] + " is not among the definitions in "
                            + definitions + "; add the RestoreSession's YAML to them.");
                    return RESOLUTION_FAILED;
                }
                plans = List.of(resolver.resolveRestoreSession(ref[0], ref[1]));
            }
        } catch (ResolutionException e) {
            err.println(e.getMessage());
            return RESOLUTION_FAILED;
        }
        for (ResolvedPlan plan : plans) {
            plan.interimVolumeClaim().ifPresent(claim -> err.println("note: before pod " + plan.podName()
                    + " the executor creates PersistentVolumeClaim " + claim.getMetadata().getNamespace() + "/"
                    + claim.getMetadata().getName() + " (interimVolumeTemplate)"));
        }
        try {
            out.print(render(plans, output));
        } catch (JsonProcessingException e) {
            err.println("cannot write the pod as " + output + ": " + e.getOriginalMessage());
            return RESOLUTION_FAILED;
        }
        out.flush();
        return 0;
    }

    /** The pods as YAML documents or as JSON (a single Pod, or a v1 List of several). */
    static String render(List<ResolvedPlan> plans, Format format) throws JsonProcessingException {
        List<JsonNode> pods = new ArrayList<>();
        for (ResolvedPlan plan : plans) {
            pods.add(StashResourceReader.jsonMapper().valueToTree(plan.pod()));
        }
        if (format == Format.json) {
            if (pods.size() == 1) {
                return JSON.writeValueAsString(pods.get(0)) + System.lineSeparator();
            }
            ObjectNode list = JSON.createObjectNode();
            list.put("apiVersion", "v1");
            list.put("kind", "List");
            ArrayNode items = list.putArray("items");
            pods.forEach(items::add);
            return JSON.writeValueAsString(list) + System.lineSeparator();
        }
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < pods.size(); i++) {
            if (i > 0) {
                yaml.append("---\n");
            }
            yaml.append(YAML.writeValueAsString(pods.get(i)));
        }
        return yaml.toString();
    }

    private String[] namespacedName(String option, String value) {
        String[] parts = value.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " '" + value + "' must be NAMESPACE/NAME, e.g. demo/pg-backup-1700000000");
        }
        return parts;
    }

    /** Every definition under the paths, in a stable order; warnings go to {@code err}. */
    static List<ParsedResource> readDefinitions(List<Path> paths, PrintWriter err) {
        StashResourceReader reader = new StashResourceReader();
        List<ParsedResource> all = new ArrayList<>();
        Map<String, Path> definedIn = new HashMap<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new UncheckedIOException(new IOException(path + ": no such file or directory"));
            }
            for (Path file : definitionFiles(path)) {
                for (ParsedResource resource : reader.read(file)) {
                    resource.warnings().forEach(w -> err.println("warning: " + w));
                    String key = resource.kind().kind() + " " + (resource.kind().clusterScoped() ? ""
                            : (resource.resource().namespace() == null ? "default" : resource.resource().namespace())
                                    + "/") + resource.resource().name();
                    Path earlier = definedIn.put(key, file);
                    if (earlier != null) {
                        // like kubectl apply in this order: the later definition replaces the earlier one
                        err.println("warning: " + key + " is defined in " + earlier + " and again in " + file
                                + "; using the one in " + file);
                    }
                    all.add(resource);
                }
            }
        }
        return all;
    }

    private static List<Path> definitionFiles(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot list the directory: " + e.getMessage(), e);
        }
    }

    /** Says that the session is missing and shows a minimal BackupSession to add. */
    private String missingBackupSession(String namespace, String name, List<ParsedResource> parsed) {
        List<String> configurations = parsed.stream()
                .filter(p -> p.kind() == StashKind.BACKUP_CONFIGURATION)
                .filter(p -> namespace.equals(p.resource().namespace() == null ? "default" : p.resource().namespace()))
                .map(p -> p.resource().name())
                .toList();
        String invoker = configurations.size() == 1 ? configurations.get(0) : "<name of the BackupConfiguration>";
        String hint = configurations.size() > 1 ? "  # one of: " + String.join(", ", configurations) : "";
        return "BackupSession " + namespace + "/" + name + " is not among the definitions in " + definitions
                + ". A BackupSession is one run of a BackupConfiguration (Stash's CronJob creates them); add one"
                + " like this to the definitions and run again:\n"
                + "---\n"
                + "apiVersion: stash.appscode.com/v1beta1\n"
                + "kind: BackupSession\n"
                + "metadata:\n"
                + "  name: " + name + "\n"
                + "  namespace: " + namespace + "\n"
                + "spec:\n"
                + "  invoker:\n"
                + "    apiGroup: stash.appscode.com\n"
                + "    kind: BackupConfiguration\n"
                + "    name: " + invoker + hint + "\n";
    }
}
