package io.stashflow.builtin.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samples are restic 0.14.0's real output, captured by running it. */
class ResticOutputTest {

    @Test
    void backupSummaryIsFoundAfterStatusLines() {
        String stdout = "{\"message_type\":\"status\",\"percent_done\":0.5}\n"
                + "{\"message_type\":\"summary\",\"files_new\":3,\"files_changed\":1,\"files_unmodified\":2,"
                + "\"dirs_new\":2,\"dirs_changed\":0,\"dirs_unmodified\":0,\"data_blobs\":2,\"tree_blobs\":3,"
                + "\"data_added\":101677,\"total_files_processed\":6,\"total_bytes_processed\":100006,"
                + "\"total_duration\":61.251924267,\"snapshot_id\":\"051c0908\"}\n";
        ResticOutput.BackupSummary summary = ResticOutput.backupSummary(stdout);
        assertEquals(new ResticOutput.BackupSummary("051c0908", 3, 1, 2, 6, 101677, 100006, 61.251924267), summary);
        assertThrows(IllegalArgumentException.class, () -> ResticOutput.backupSummary("{\"message_type\":\"status\"}"));
    }

    @Test
    void forgetCountsKeptAndRemovedOverAllGroupsAndAcceptsNoOutput() {
        String stdout = "[{\"tags\":null,\"host\":\"host-0\",\"paths\":[\"/d\"],\"keep\":[{\"id\":\"a\"}],"
                + "\"remove\":[{\"id\":\"b\"},{\"id\":\"c\"}],\"reasons\":[]},"
                + "{\"tags\":null,\"host\":\"host-1\",\"paths\":[\"/d\"],\"keep\":[{\"id\":\"d\"},{\"id\":\"e\"}],"
                + "\"remove\":null,\"reasons\":[]}]\n";
        assertEquals(new ResticOutput.ForgetSummary(3, 2), ResticOutput.forgetSummary(stdout));
        assertEquals(new ResticOutput.ForgetSummary(0, 0), ResticOutput.forgetSummary(""));
        assertThrows(IllegalArgumentException.class, () -> ResticOutput.forgetSummary("something else"));
    }

    @Test
    void statsReadsSizeAndSnapshotCount() {
        assertEquals(new ResticOutput.RepositoryStats(100968, 1), ResticOutput.repositoryStats(
                "{\"total_size\":100968,\"total_file_count\":0,\"total_blob_count\":5,\"snapshots_count\":1}\n"));
        assertThrows(IllegalArgumentException.class, () -> ResticOutput.repositoryStats("[]"));
    }

    @Test
    void snapshotsAreReadWithTheirPathsAndTimes() {
        String stdout = "[{\"time\":\"2026-11-25T14:39:48.508466397Z\",\"tree\":\"f9f7ba6e3fd044d1\","
                + "\"paths\":[\"/tmp/rexp.A0jd/other\",\"/tmp/rexp.A0jd/src\"],\"hostname\":\"h1\",\"username\":\"root\","
                + "\"id\":\"e096f7df5a2c431744b1bc16b36318a3856e89a02d718c119cb28a34a11edacc\",\"short_id\":\"e096f7df\"},"
                + "{\"time\":\"2026-11-25T16:39:49.412031766+02:00\",\"tree\":\"8a9d975e\",\"paths\":[\"/d\"],"
                + "\"hostname\":\"h2\",\"username\":\"root\",\"id\":\"9aa99b9381c0a4a0\",\"short_id\":\"9aa99b93\"}]\n";
        List<ResticOutput.Snapshot> snapshots = ResticOutput.snapshots(stdout);
        assertEquals(new ResticOutput.Snapshot("e096f7df5a2c431744b1bc16b36318a3856e89a02d718c119cb28a34a11edacc",
                "e096f7df", Instant.parse("2026-11-25T14:39:48.508466397Z"), "h1",
                List.of("/tmp/rexp.A0jd/other", "/tmp/rexp.A0jd/src")), snapshots.get(0));
        assertEquals(Instant.parse("2026-11-25T14:39:49.412031766Z"), snapshots.get(1).time(), "offsets are honoured");
        assertEquals(List.of("/d"), snapshots.get(1).paths());
        assertEquals(List.of(), ResticOutput.snapshots("[]\n"), "what restic prints when nothing matches");
        assertThrows(IllegalArgumentException.class, () -> ResticOutput.snapshots(""));
        assertThrows(IllegalArgumentException.class, () -> ResticOutput.snapshots("[{\"id\":\"ab\",\"paths\":[]}]"));
    }

    @Test
    void checkOutcomeAndMissingRepositoryAreRecognised() {
        assertTrue(ResticOutput.checkFoundNoErrors("load indexes\ncheck all packs\n\nno errors were found\n"));
        assertFalse(ResticOutput.checkFoundNoErrors("load indexes\n"));
        assertTrue(ResticOutput.checkFoundErrors("pack 6ef3: does not exist\nFatal: repository contains errors\n"));
        assertTrue(ResticOutput.repositoryDoesNotExist("Fatal: unable to open config file: stat repo/config: no such file"
                + " or directory\nIs there a repository at the following location?\nrepo\n"));
        assertFalse(ResticOutput.repositoryDoesNotExist("Fatal: wrong password or no key found\n"));
    }

    @Test
    void failureReasonKeepsTheLastLinesWithoutRetryChatterAndIsBounded() {
        String stderr = "pack 6ef3: does not exist\n"
                + "Load(<data/6ef3709db6>, 252, 0) returned error, retrying after 552.330144ms: open x\n"
                + "error for tree 5de5400d:\n  ReadFull(<data/6ef3709db6>): no such file\nFatal: repository contains errors\n";
        assertEquals("error for tree 5de5400d: ReadFull(<data/6ef3709db6>): no such file Fatal: repository contains errors"
                + " (exit code 1)", ResticOutput.failureReason(1, stderr, 1000));
        assertEquals("restic exited with code 3 and printed no error", ResticOutput.failureReason(3, "", 1000));
        String cut = ResticOutput.failureReason(1, "x".repeat(5000), 100);
        assertEquals(100, cut.length());
        assertTrue(cut.startsWith("…"));
    }
}
