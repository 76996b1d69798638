package io.stashflow.api.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void defaultNamesMatchTheDesign() {
        Topics t = Topics.withDefaultPrefix();
        assertEquals("stash.sessions", t.sessions());
        assertEquals("stash.definitions", t.definitions());
        assertEquals("stash.jobs.eu-1", t.jobs("eu-1"));
        assertEquals("stash.step-outcomes", t.stepOutcomes());
        assertEquals("stash.session-status", t.sessionStatus());
        assertEquals("stash.repository-status", t.repositoryStatus());
        assertEquals("stash.rejected", t.rejected());
        assertEquals("stash.plan-rejected", t.planRejections());
    }

    @Test
    void prefixIsConfigurable() {
        Topics t = new Topics("acme-prod");
        assertEquals("acme-prod.sessions", t.sessions());
        assertEquals("acme-prod.jobs.c1", t.jobs("c1"));
        assertTrue(t.sharedTopics().stream().allMatch(n -> n.startsWith("acme-prod.")));
    }

    @Test
    void compactedTopicsAreTheLatestValueTopics() {
        Topics t = Topics.withDefaultPrefix();
        assertTrue(t.isCompacted(t.definitions()));
        assertTrue(t.isCompacted(t.sessionStatus()));
        assertTrue(t.isCompacted(t.repositoryStatus()));
        assertFalse(t.isCompacted(t.sessions()));
        assertFalse(t.isCompacted(t.stepOutcomes()));
    }

    @Test
    void illegalNamesAreRefusedWithTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Topics("stash/x"));
        assertTrue(e.getMessage().contains("may only contain"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.withDefaultPrefix().jobs("bad cluster"));
        assertThrows(IllegalArgumentException.class, () -> Topics.withDefaultPrefix().jobs("a/b"));
        assertThrows(IllegalArgumentException.class, () -> Topics.withDefaultPrefix().jobs("x".repeat(250)));
    }

    @Test
    void keysRoundTrip() {
        assertEquals("c1/demo/pg-1700000000", RecordKeys.of("c1", "demo", "pg-1700000000"));
        assertEquals(new RecordKeys.Parts("c1", "demo", "s"), RecordKeys.parse("c1/demo/s"));
        SessionKey key = SessionKey.newBuilder().setCluster("c1").setNamespace("ns").setName("n")
                .setKind(SessionKind.BACKUP).build();
        assertEquals("c1/ns/n", RecordKeys.of(key));
        assertEquals("c1/Function//postgres-backup-16.1", RecordKeys.definition("c1", "Function", "", "postgres-backup-16.1"));
        assertEquals(new RecordKeys.DefinitionParts("c1", "Repository", "demo", "r"),
                RecordKeys.parseDefinition(RecordKeys.definition("c1", "Repository", "demo", "r")));
    }

    @Test
    void malformedKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.parse("c1/demo"));
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.parse("c1//x"));
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.parse(null));
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.of("c1", "a/b", "x"));
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.of("c1", "", "x"));
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.parseDefinition("c1/Task/x"));
    }
}
