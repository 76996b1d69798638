package io.stashflow.cli;

import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stashflow agent}: what runs in each cluster of a fleet — the executor on the Kubernetes runtime plus the
 * cluster mirror (Stash resources into {@code <prefix>.definitions}, BackupSession/RestoreSession objects into
 * session requests). Needs credentials for its own API server only.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Run the cluster agent: the job executor on the Kubernetes runtime, and the mirror of this cluster's Stash"
                    + " resources into <prefix>.definitions (BackupSession/RestoreSession objects made by the CronJob"
                    + " trigger or kubectl become SessionRequested events), and the write-back of the reporter's status"
                    + " onto this cluster's BackupSession/RestoreSession/Repository objects (status subresource, Events)."
                    + " Serves /healthz, /readyz, /metrics and /queue.",
            "",
            "Exit status: 0 after a clean stop, 2 for invalid configuration, 1 when the service fails to start.",
        })
public final class AgentCommand implements Callable<Integer> {

    @Mixin
    ExecutorCommand.Options options = new ExecutorCommand.Options();

    @Option(names = "--mirror-resync", description = "How often the mirror republishes every resource (default 10m).")
    String mirrorResync;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    public AgentCommand() {
        this(System.getenv());
    }

    AgentCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    ExecutorConfig config() {
        Map<String, String> flags = new LinkedHashMap<>();
        options.putInto(flags);
        ExecutorCommand.put(flags, "mirror-resync", mirrorResync);
        return ExecutorConfig.read(ConfigReader.of("agent", flags, environment, Optional.ofNullable(options.configFile)),
                ExecutorConfig.Mode.AGENT, environment);
    }

    @Override
    public Integer call() {
        ExecutorConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExecutorCommand.BAD_CONFIGURATION;
        }
        return ExecutorCommand.run(config, ExecutorConfig.Mode.AGENT, spec.commandLine().getErr());
    }
}
