package io.stashflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stashflow} launcher. Each capability is a subcommand; {@code ./stashflow} at the repository root builds
 * this jar on first use and runs it.
 */
@Command(
        name = "stashflow",
        mixinStandardHelpOptions = true,
        versionProvider = StashflowCommand.Version.class,
        description = "Stash-style backup and restore pipelines over Apache Kafka.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            StandaloneCommand.class,
            EnvsubstCommand.class,
            ResolveCommand.class,
            BenchCommand.class,
            io.stashflow.builtin.updatestatus.UpdateStatusCommand.class,
            io.stashflow.builtin.pvc.BackupPvcCommand.class,
            io.stashflow.builtin.pvc.RestorePvcCommand.class,
            io.stashflow.builtin.hook.RunHookCommand.class,
            ReporterCommand.class,
            StatusCommand.class,
            ExecutorCommand.class,
            AgentCommand.class,
            PlannerCommand.class,
            TriggerCommand.class,
        })
public final class StashflowCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new StashflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        // Without a subcommand there is nothing to do: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StashflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"stashflow " + (v == null ? "development build" : v)};
        }
    }
}
