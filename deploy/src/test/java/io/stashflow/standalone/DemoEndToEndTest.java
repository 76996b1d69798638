package io.stashflow.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.cli.StashflowCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stashflow demo} end to end on the embedded broker: real restic (installed by .ci/run; the test fails
 * without it), real processes of the local runtime, the sessions through Kafka, the restored bytes compared.
 */
class DemoEndToEndTest {

    @TempDir
    Path dataDir;

    private record Result(int exit, String output) {
    }

    private Result demo(List<String> extra) {
        List<String> args = new ArrayList<>(List.of("demo", "--data-dir", dataDir.toString(),
                "--examples", Path.of("examples").toAbsolutePath().toString(), "--timeout", "90"));
        args.addAll(TestStacks.options(TestStacks.settings(dataDir)));
        args.addAll(extra);
        StringWriter text = new StringWriter();
        CommandLine line = StashflowCommand.commandLine();
        line.setOut(new PrintWriter(text, true));
        line.setErr(new PrintWriter(text, true));
        int exit = line.execute(args.toArray(String[]::new));
        return new Result(exit, text.toString());
    }

    @Test
    void backsUpWithResticThroughKafkaAndRestoresTheSameBytesElsewhere() throws Exception {
        assertTrue(DemoData.onPath("restic"), "restic must be installed (apt-get install restic)");
        Result r = demo(List.of());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("identical to the source"), r.output());
        assertTrue(r.output().matches("(?s).*session demo/source-backup-\\d+ Succeeded.*"), r.output());
        assertTrue(r.output().matches("(?s).*session demo/source-restore-\\d+ Succeeded.*"), r.output());
        assertTrue(r.output().contains("pvc-backup-0"), "the step table names the built-in Function's container");
        assertTrue(r.output().contains("local-repo"), "the repository status is shown:\n" + r.output());

        // the comparison the demo printed, checked independently on the files it left
        Path claims = dataDir.resolve("executor/claims/demo");
        DirectoryComparison again = DirectoryComparison.compare(claims.resolve("source-data"),
                claims.resolve("restored-data"));
        assertTrue(again.equal(), again.differences().toString());
        assertTrue(again.files() > 20 && again.bytes() > 1_000_000, again.toString());
        try (var snapshots = Files.list(claims.resolve("demo-repository").resolve("snapshots"))) {
            assertEquals(1, snapshots.count(), "one restic snapshot in the local repository");
        }
    }

    @Test
    void theTarExampleWorksWithoutRestic() throws Exception {
        Result r = demo(List.of("--tar"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("using the tar example Functions"), r.output());
        assertTrue(r.output().contains("identical to the source"), r.output());
        Path claims = dataDir.resolve("executor/claims/demo-tar");
        assertTrue(DirectoryComparison.compare(claims.resolve("source-data"), claims.resolve("restored-data"))
                .equal());
    }

    @Test
    void aTakenPortIsNamedWithTheOptionThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            StandaloneStack.Settings s = TestStacks.settings(dataDir);
            List<String> args = new ArrayList<>(List.of("demo", "--data-dir", dataDir.toString(), "--tar",
                    "--examples", Path.of("examples").toAbsolutePath().toString()));
            List<String> options = new ArrayList<>(TestStacks.options(s));
            options.set(options.indexOf("--registry-port") + 1, Integer.toString(taken.getLocalPort()));
            args.addAll(options);
            StringWriter text = new StringWriter();
            CommandLine line = StashflowCommand.commandLine();
            line.setOut(new PrintWriter(text, true));
            line.setErr(new PrintWriter(text, true));
            assertEquals(1, line.execute(args.toArray(String[]::new)));
            assertTrue(text.toString().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"),
                    text.toString());
            assertTrue(text.toString().contains("--registry-port"), text.toString());
            assertFalse(Files.exists(dataDir.resolve("kafka")), "nothing was started");
        }
    }
}
