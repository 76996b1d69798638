package io.stashflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A command line run in this JVM with its exit code and both outputs captured, for the command tests. */
record CliRun(int exitCode, String stdout, String stderr) {

    /** Runs {@code stashflow <args>}. */
    static CliRun of(String... args) {
        return of(StashflowCommand.commandLine(), args);
    }

    static CliRun of(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
