package io.stashflow.builtin.updatestatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.api.model.FileStats;
import io.stashflow.api.model.SnapshotStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.HostCounts;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.HostResult;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryAction;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryResult;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TerminationMessageTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static UpdateStatusResult result(int hostCount, int snapshotsPerHost, int errorLength, int failedEvery) {
        List<HostResult> hosts = new ArrayList<>();
        int failed = 0;
        for (int h = 0; h < hostCount; h++) {
            List<SnapshotStats> snapshots = new ArrayList<>();
            for (int s = 0; s < snapshotsPerHost; s++) {
                snapshots.add(new SnapshotStats("%08x".formatted(h * 1000 + s), "/stash-data/volume-" + s, "12.300 MiB",
                        "1.000 KiB", "0:02", new FileStats(10L, 1L, 2L, 7L)));
            }
            boolean hostFailed = failedEvery > 0 && h % failedEvery == 0;
            failed += hostFailed ? 1 : 0;
            hosts.add(new HostResult("host-" + h, hostFailed ? "Failed" : "Succeeded", "1m2.5s",
                    hostFailed ? "e".repeat(errorLength) : null, hostFailed ? List.of() : snapshots));
        }
        RepositoryResult repository = new RepositoryResult("s3:s3.amazonaws.com/bucket/prefix", null, List.of(
                new RepositoryAction("forget", "ApplyRetentionPolicy", "Succeeded", "kept 3 and removed 1 snapshots"),
                new RepositoryAction("check", "VerifyRepositoryIntegrity", "Failed", "x".repeat(errorLength)),
                new RepositoryAction("stats", "VerifyRepositoryIntegrity", "NotRun", "not run")),
                false, null, null, 3L, 1L, null);
        return new UpdateStatusResult(1, "backup", "demo", "session-1", new UpdateStatusResult.ObjectReference("BackupConfiguration", "c"),
                new TargetRef(null, "StatefulSet", "db", "demo"), null, new HostCounts(hostCount, hostCount - failed, failed),
                hosts, repository, null, null);
    }

    @Test
    void aSmallResultIsWrittenWholeWithoutTheMarker() throws Exception {
        UpdateStatusResult small = result(1, 1, 10, 0);
        String message = TerminationMessage.fit(small, 4096);
        assertEquals(ResultFiles.compactJson(small), message);
        assertFalse(MAPPER.readTree(message).has("truncated"));
    }

    @Test
    void aLargeResultDropsSnapshotDetailsFirstAndKeepsEveryHost() throws Exception {
        UpdateStatusResult large = result(20, 10, 10, 0);
        assertTrue(ResultFiles.utf8Length(ResultFiles.compactJson(large)) > 4096);
        String message = TerminationMessage.fit(large, 4096);
        JsonNode json = MAPPER.readTree(message);
        assertTrue(ResultFiles.utf8Length(message) <= 4096);
        assertTrue(json.get("truncated").asBoolean());
        assertEquals(20, json.get("hosts").size());
        assertFalse(json.get("hosts").get(0).has("snapshots"));
        assertFalse(json.has("hostsOmitted"));
        assertEquals("Failed", json.at("/repository/actions/1/outcome").asText());
    }

    @Test
    void manyHostsKeepTheFailedOnesTheCountsAndTheRepositoryOutcome() throws Exception {
        UpdateStatusResult huge = result(500, 20, 2000, 50);
        String message = TerminationMessage.fit(huge, 4096);
        assertTrue(ResultFiles.utf8Length(message) <= 4096, () -> "length " + ResultFiles.utf8Length(message));
        JsonNode json = MAPPER.readTree(message);
        assertTrue(json.get("truncated").asBoolean());
        assertEquals(500, json.at("/hostCounts/total").asInt());
        assertEquals(10, json.at("/hostCounts/failed").asInt());
        int kept = json.get("hosts").size();
        assertEquals(500 - kept, json.get("hostsOmitted").asInt());
        for (int i = 0; i < 10; i++) {
            assertEquals("Failed", json.get("hosts").get(i).get("phase").asText(), "failed hosts come first");
            assertTrue(json.get("hosts").get(i).get("error").asText().endsWith(TerminationMessage.CUT_MARKER));
        }
        assertEquals(Boolean.FALSE, json.at("/repository/integrity").booleanValue());
        assertNotNull(json.at("/repository/actions/1/message").asText());
    }

    @Property(tries = 60)
    void theMessageNeverExceedsTheLimitAndIsValidJson(@ForAll @IntRange(min = 0, max = 400) int hosts,
            @ForAll @IntRange(min = 0, max = 30) int snapshots, @ForAll @IntRange(min = 0, max = 5000) int errorLength,
            @ForAll @IntRange(min = 0, max = 7) int failedEvery) throws Exception {
        String message = TerminationMessage.fit(result(hosts, snapshots, errorLength, failedEvery), 4096);
        assertTrue(ResultFiles.utf8Length(message) <= 4096);
        assertEquals(hosts, MAPPER.readTree(message).at("/hostCounts/total").asInt());
    }

    @Test
    void multiByteTextIsCountedInBytes() throws Exception {
        UpdateStatusResult result = result(200, 0, 0, 1);
        List<HostResult> hosts = result.hosts().stream()
                .map(h -> new HostResult(h.hostname(), h.phase(), h.duration(), "€".repeat(250), h.snapshots())).toList();
        UpdateStatusResult euros = new UpdateStatusResult(1, "backup", "demo", "s", null, null, null, result.hostCounts(),
                hosts, null, null, null);
        String message = TerminationMessage.fit(euros, 4096);
        assertTrue(ResultFiles.utf8Length(message) <= 4096);
        assertTrue(MAPPER.readTree(message).get("truncated").asBoolean());
    }
}
