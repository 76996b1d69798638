package io.stashflow.cli;

import io.stashflow.api.model.Function;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.planner.envsubst.Envsubst;
import io.stashflow.planner.envsubst.EnvsubstException;
import io.stashflow.planner.resolver.BuiltinDefinitions;
import io.stashflow.planner.resolver.InMemoryDefinitions;
import io.stashflow.planner.resolver.ResolvedPlan;
import io.stashflow.planner.resolver.RepositoryLocation;
import io.stashflow.planner.resolver.ResolverSettings;
import io.stashflow.planner.resolver.StashResolver;
import io.stashflow.planner.resolver.VariableTableBuilder;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow bench}: throughput and latency benchmarks. Each benchmark is a subcommand; {@code bench} alone
 * lists them.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Throughput and latency benchmarks. Run one of the subcommands.",
        subcommands = {BenchCommand.Resolve.class, ExecutorBenchCommand.class, PlannerBenchCommand.class,
            FleetBenchCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code stashflow bench resolve}: the resolver's cost per session, measured in this JVM after a warm-up.
     * Two operations: resolving the catalog's postgres backup Task end to end (BackupSession → Pod, with the
     * AppBinding, Repository, Task and both Functions looked up in memory), and substituting the args of the
     * catalog's postgres backup Function with a full variable table (one op = every arg once).
     */
    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = {
                "Benchmark the resolver: resolve the catalog's postgres backup Task end to end, and substitute the"
                        + " postgres backup Function's args. Prints ops/s, mean and p99 microseconds per op, the JVM,"
                        + " the machine and the command line.",
                "Each benchmark warms up first, then records the latency of every op while it runs for the"
                        + " measurement time.",
            })
    static final class Resolve implements Callable<Integer> {

        @Option(names = "--warmup-seconds", paramLabel = "SECONDS", defaultValue = "5",
                description = "Warm-up time per benchmark (default: ${DEFAULT-VALUE}).")
        double warmupSeconds;

        @Option(names = "--measure-seconds", paramLabel = "SECONDS", defaultValue = "10",
                description = "Measurement time per benchmark (default: ${DEFAULT-VALUE}).")
        double measureSeconds;

        @Option(names = "--catalog", paramLabel = "DIR",
                description = "The Stash catalog copy (default: shared/conformance/stash-catalog found by walking"
                        + " up from the working directory).")
        Path catalog;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The inputs around the catalog postgres Task: an AppBinding with the addon, a Repository, an invoker. */
        static final String FIXTURES = """
                apiVersion: appcatalog.appscode.com/v1alpha1
                kind: AppBinding
                metadata: {name: pg, namespace: bench}
                spec:
                  type: kubedb.com/postgres
                  version: "16.1"
                  clientConfig: {service: {name: pg, port: 5432, scheme: postgresql}}
                  secret: {name: pg-auth}
                  parameters:
                    stash:
                      addon:
                        backupTask: {name: postgres-backup-16.1, params: [{name: args, value: --clean}]}
                        restoreTask: {name: postgres-restore-16.1}
                ---
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata: {name: s3-repo, namespace: bench}
                spec:
                  backend:
                    s3: {endpoint: s3.amazonaws.com, bucket: bench, region: us-east-1, prefix: /bench/pg}
                    storageSecretName: s3-secret
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: pg-backup, namespace: bench}
                spec:
                  schedule: "*/5 * * * *"
                  task: {params: [{name: user, value: postgres}]}
                  repository: {name: s3-repo}
                  target: {ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}}
                  retentionPolicy: {name: keep, keepLast: 5, prune: true}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupSession
                metadata: {name: pg-backup-1700000000, namespace: bench}
                spec:
                  invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: pg-backup}
                """;

        /** One measured operation. */
        @FunctionalInterface
        interface Op {
            Object run() throws Exception;
        }

        /** What one benchmark measured. */
        record Result(String name, long ops, double seconds, double meanMicros, double p99Micros) {
            double opsPerSecond() {
                return ops / seconds;
            }
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (warmupSeconds < 0 || measureSeconds <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--warmup-seconds must be >= 0 and --measure-seconds > 0");
            }
            Path catalogDir = catalog != null ? catalog : findCatalog();
            if (catalogDir == null || !Files.isDirectory(catalogDir)) {
                err.println("no Stash catalog found" + (catalog != null ? " at " + catalog : " (looked for"
                        + " shared/conformance/stash-catalog above " + Paths.get("").toAbsolutePath() + ")")
                        + "; pass --catalog DIR");
                return 1;
            }
            StashResourceReader reader = new StashResourceReader();
            List<ParsedResource> definitions = new ArrayList<>();
            for (String file : List.of("postgres-backup-function.yaml", "postgres-backup-task.yaml")) {
                Path path = catalogDir.resolve(file);
                if (!Files.isRegularFile(path)) {
                    err.println(path + " is missing; the bench needs the catalog's postgres backup Function and Task");
                    return 1;
                }
                definitions.addAll(reader.read(path));
            }
            definitions.addAll(reader.read(FIXTURES, "bench-fixtures.yaml"));
            Function postgresFunction = definitions.get(0).as(Function.class);

            ResolverSettings settings = ResolverSettings.defaults();
            StashResolver resolver = new StashResolver(
                    BuiltinDefinitions.withBuiltins(InMemoryDefinitions.of(definitions)), settings);
            // the variables the postgres step sees, taken from a real resolution's first container
            List<ResolvedPlan> sample = resolver.resolveBackupSession("bench", "pg-backup-1700000000");
            Map<String, String> variables = stepVariables(settings);
            List<String> args = postgresFunction.spec().args();
            checkSubstitutionMatchesResolution(args, variables, sample.get(0));

            List<Result> results = new ArrayList<>();
            results.add(measure("resolve postgres backup Task (session -> Pod)",
                    () -> resolver.resolveBackupSession("bench", "pg-backup-1700000000")));
            results.add(measure("substitute postgres-backup-16.1 args (" + args.size() + " args)", () -> {
                List<String> resolved = new ArrayList<>(args.size());
                for (String arg : args) {
                    resolved.add(Envsubst.evalMap(arg, variables));
                }
                return resolved;
            }));
            print(out, results);
            return 0;
        }

        /** The built-in variables of the bench session plus the step's param, as the resolver builds them. */
        private static Map<String, String> stepVariables(ResolverSettings settings) {
            var table = new VariableTableBuilder()
                    .repository("s3-repo", "bench", new RepositoryLocation("s3", "bench",
                            "/bench/pg", "s3.amazonaws.com", "us-east-1", false, 0, "s3-secret"))
                    .targetReference("AppBinding", "pg", "bench")
                    .targetPaths(List.of())
                    .driver(List.of(), List.of())
                    .targetMountPath(null)
                    .hostname("host-0")
                    .enableCache(false)
                    .interimDataDir(false)
                    .retention(new VariableTableBuilder.Retention(5, 0, 0, 0, 0, 0,
                            List.of(), true, false))
                    .backupSession("pg-backup-1700000000", "bench")
                    .invoker("BackupConfiguration", "pg-backup")
                    .image(settings)
                    .license(settings.licenseApiService())
                    .metrics(settings.pushgatewayUrl(), "pg-backup")
                    .taskParams(Map.of("args", "--clean", "user", "postgres"))
                    .build();
            Map<String, String> withStep = new LinkedHashMap<>(Map.of("outputDir", "/stash-tmp/output"));
            withStep.putAll(table);
            return withStep;
        }

        /** Guards the second benchmark: its variables must give the args the resolver produced. */
        private static void checkSubstitutionMatchesResolution(List<String> args, Map<String, String> variables,
                ResolvedPlan plan) throws EnvsubstException {
            List<String> resolved = new ArrayList<>();
            for (String arg : args) {
                resolved.add(Envsubst.evalMap(arg, variables));
            }
            List<String> fromPlan = plan.pod().getSpec().getInitContainers().get(0).getArgs();
            if (!resolved.equals(fromPlan)) {
                throw new IllegalStateException("bench variables disagree with the resolver: " + resolved + " vs "
                        + fromPlan);
            }
        }

        private Result measure(String name, Op op) throws Exception {
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            Object sink = null;
            while (System.nanoTime() < warmupEnd) {
                sink = op.run();
            }
            long[] samples = new long[1 << 16];
            int count = 0;
            long start = System.nanoTime();
            long end = start + (long) (measureSeconds * 1e9);
            long now = start;
            while (now < end) {
                long before = System.nanoTime();
                sink = op.run();
                now = System.nanoTime();
                if (count == samples.length) {
                    samples = Arrays.copyOf(samples, samples.length * 2);
                }
                samples[count++] = now - before;
            }
            if (sink == null) {
                throw new IllegalStateException(name + " produced nothing");
            }
            double seconds = (now - start) / 1e9;
            long[] sorted = Arrays.copyOf(samples, count);
            Arrays.sort(sorted);
            double sum = 0;
            for (long sample : sorted) {
                sum += sample;
            }
            int p99Index = Math.max(0, (int) Math.ceil(count * 0.99) - 1);
            return new Result(name, count, seconds, sum / count / 1e3, sorted[p99Index] / 1e3);
        }

        private void print(PrintWriter out, List<Result> results) {
            var runtime = ManagementFactory.getRuntimeMXBean();
            var os = ManagementFactory.getOperatingSystemMXBean();
            String[] original = spec.root().commandLine().getParseResult().originalArgs().toArray(new String[0]);
            out.println("command: stashflow " + String.join(" ", original));
            out.println("jvm:     " + runtime.getVmName() + " " + runtime.getVmVersion() + " (" + runtime.getVmVendor()
                    + "), java " + System.getProperty("java.version") + ", max heap "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, args " + runtime.getInputArguments());
            out.println("machine: " + os.getName() + " " + os.getVersion() + " " + os.getArch() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            out.println(String.format(Locale.ROOT, "warm-up %.1f s, measurement %.1f s per benchmark, single thread",
                    warmupSeconds, measureSeconds));
            out.println(String.format(Locale.ROOT, "%-52s %12s %10s %10s %10s", "benchmark", "ops/s", "mean µs",
                    "p99 µs", "ops"));
            for (Result result : results) {
                out.println(String.format(Locale.ROOT, "%-52s %12.1f %10.2f %10.2f %10d", result.name(),
                        result.opsPerSecond(), result.meanMicros(), result.p99Micros(), result.ops()));
            }
            out.flush();
        }

        /** {@code shared/conformance/stash-catalog} in the working directory or one of its parents. */
        static Path findCatalog() {
            Path dir = Paths.get("").toAbsolutePath();
            while (dir != null) {
                Path candidate = dir.resolve("shared").resolve("conformance").resolve("stash-catalog");
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
                dir = dir.getParent();
            }
            return null;
        }
    }
}
