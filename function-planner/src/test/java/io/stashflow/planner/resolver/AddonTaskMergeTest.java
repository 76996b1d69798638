package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stashflow.api.model.Param;
import io.stashflow.api.model.StashAddon;
import io.stashflow.api.model.StashTaskSpec;
import io.stashflow.api.model.TaskRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The AppBinding addon merge (section 1.10), with the restore params taken from the restore task. */
class AddonTaskMergeTest {

    private static final StashAddon ADDON = new StashAddon(
            new StashTaskSpec("pg-backup", List.of(new Param("args", "--backup"), new Param("backupCMD", "pg_dump"))),
            new StashTaskSpec("pg-restore", List.of(new Param("args", "--restore"))));

    @Test
    void theAddonTaskIsTheDefault() {
        var backup = AddonTaskMerge.forBackup(new TaskRef(null, List.of()), Optional.of(ADDON));
        assertEquals("pg-backup", backup.name());
        assertEquals(ADDON.backupTask().params(), backup.params());
        var restore = AddonTaskMerge.forRestore(null, Optional.of(ADDON));
        assertEquals("pg-restore", restore.name());
    }

    @Test
    void aNonEmptyInvokerTaskNameWins() {
        assertEquals("custom", AddonTaskMerge.forBackup(new TaskRef("custom", List.of()), Optional.of(ADDON)).name());
        assertEquals("pg-backup", AddonTaskMerge.forBackup(new TaskRef("", List.of()), Optional.of(ADDON)).name());
    }

    @Test
    void invokerParamsAreUpsertedOverTheAddonParams() {
        var backup = AddonTaskMerge.forBackup(new TaskRef(null, List.of(new Param("args", "--mine"), new Param("user", "u"))),
                Optional.of(ADDON));
        assertEquals(List.of(new Param("args", "--mine"), new Param("backupCMD", "pg_dump"), new Param("user", "u")),
                backup.params());
    }

    @Test
    void restoreParamsComeFromTheRestoreTask() {
        // Stash builds them from the backup task's params (backupCMD would leak into the restore); fixed here
        var restore = AddonTaskMerge.forRestore(new TaskRef(null, List.of(new Param("user", "u"))), Optional.of(ADDON));
        assertEquals(List.of(new Param("args", "--restore"), new Param("user", "u")), restore.params());
    }

    @Test
    void withoutAnAddonTheInvokerTaskIsUsedAsIs() {
        var backup = AddonTaskMerge.forBackup(new TaskRef("t", List.of(new Param("a", "1"))), Optional.empty());
        assertEquals("t", backup.name());
        assertEquals(List.of(new Param("a", "1")), backup.params());
        assertNull(AddonTaskMerge.forBackup(new TaskRef(null, List.of()), Optional.empty()).name());
        var missingTask = AddonTaskMerge.forRestore(new TaskRef(null, List.of()),
                Optional.of(new StashAddon(ADDON.backupTask(), null)));
        assertNull(missingTask.name(), "an addon without restoreTask names no restore Task");
    }
}
