package io.stashflow.builtin.updatestatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.builtin.restic.ResticRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UpdateStatusCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** restic must not run in these cases; a call fails the test. */
    private static final ResticRunner NO_RESTIC = (args, env) -> fail("restic must not run, but got " + args);

    @TempDir
    Path dir;

    private int run(String... args) {
        return new CommandLine(new UpdateStatusCommand(Map.of("RESTIC_PASSWORD", "pw-unused"), NO_RESTIC)).execute(args);
    }

    @Test
    void aFailedHostSkipsTheRepositoryActionsReportsWhyAndExitsZero() throws Exception {
        Files.writeString(dir.resolve("output.json"), """
                {"targetStatus":{"ref":{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db"},
                 "stats":[{"hostname":"host-0","phase":"Succeeded","duration":"1s"},
                          {"hostname":"host-1","phase":"Failed","error":"pg_dump: connection refused"}],
                 "conditions":[{"type":"BackupExecutorEnsured","status":"True"}]}}
                """);
        Path termination = dir.resolve("termination-log");
        assertEquals(0, run("--provider=local", "--bucket=/nonexistent", "--backupsession=s-1", "--namespace=demo",
                "--output-dir=" + dir, "--termination-message-path=" + termination, "--retention-keep-last=3",
                "--post-backup-actions=true"));
        JsonNode result = MAPPER.readTree(Files.readString(termination));
        assertEquals(MAPPER.readTree("{\"total\":2,\"succeeded\":1,\"failed\":1}"), result.get("hostCounts"));
        assertEquals("pg_dump: connection refused", result.at("/hosts/1/error").asText());
        assertTrue(result.at("/repository/skippedReason").asText().contains("host(s) host-1 failed"));
        assertEquals(0, result.at("/repository/actions").size());
        assertEquals("StatefulSet", result.at("/target/kind").asText(), "from output.json's ref when flags name none");
        assertEquals(result, MAPPER.readTree(Files.readString(dir.resolve("update-status.json"))));
    }

    @Test
    void aMissingOutputFileExitsNonZeroAndStillReportsTheReason() throws Exception {
        Path termination = dir.resolve("termination-log");
        assertEquals(1, run("--backupsession=s-1", "--output-dir=" + dir, "--termination-message-path=" + termination));
        JsonNode result = MAPPER.readTree(Files.readString(termination));
        assertTrue(result.get("error").asText().contains("output.json does not exist"), result.get("error").asText());
        assertFalse(result.has("hosts"));
    }

    @Test
    void anUnparseableOutputFileExitsNonZero() throws Exception {
        Files.writeString(dir.resolve("output.json"), "{\"targetStatus\": [1, 2]}");
        Path termination = dir.resolve("termination-log");
        assertEquals(1, run("--restoresession=r-1", "--output-dir=" + dir, "--termination-message-path=" + termination));
        assertTrue(MAPPER.readTree(Files.readString(termination)).get("error").asText().contains("is not a Stash RestoreOutput"));
    }

    @Test
    void badFlagsExitWithTheUsageCode() {
        assertEquals(2, run("--output-dir=" + dir, "--retention-keep-last=three"));
        assertEquals(2, run("--output-dir=" + dir, "--no-such-flag"));
        assertEquals(2, run("--output-dir=", "--termination-message-path=" + dir.resolve("t")));
        assertEquals(2, run("--output-dir=" + dir, "--retention-keep-last=-1"));
    }

    @Test
    void anUnwritableTerminationMessageIsAFailure() throws Exception {
        Files.writeString(dir.resolve("output.json"), "{\"targetStatus\":{\"stats\":[{\"hostname\":\"host-0\",\"phase\":\"Succeeded\"}]}}");
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        assertEquals(1, run("--restoresession=r", "--output-dir=" + dir,
                "--termination-message-path=" + blocker.resolve("termination-log")));
        assertTrue(Files.exists(dir.resolve("update-status.json")), "the full result is still written");
    }
}
