package io.stashflow.builtin.restic;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Runs one restic command. The only place a restic process is started is {@link ProcessResticRunner}. */
public interface ResticRunner {

    /**
     * @param args the arguments after the executable, one element each
     * @param environment variables to add to restic's environment (credentials included); they replace any
     *     inherited variable of the same name
     * @throws IOException when restic cannot be started at all
     * @throws InterruptedException when the waiting thread is interrupted (the process is then destroyed)
     */
    ProcessResult run(List<String> args, Map<String, String> environment) throws IOException, InterruptedException;

    /** What a finished restic process left behind. */
    record ProcessResult(int exitCode, String stdout, String stderr) {
    }
}
