package io.stashflow.builtin.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExecutionPolicyTest {

    @Test
    void absentMeansAlwaysAndUnknownValuesAreRefused() {
        assertEquals(ExecutionPolicy.ALWAYS, ExecutionPolicy.parse(null));
        assertEquals(ExecutionPolicy.ALWAYS, ExecutionPolicy.parse(""));
        assertEquals(ExecutionPolicy.ON_FINAL_RETRY_FAILURE, ExecutionPolicy.parse("OnFinalRetryFailure"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutionPolicy.parse("onsuccess"))
                .getMessage().contains("Always, OnSuccess, OnFailure, OnFinalRetryFailure"));
    }

    @Test
    void eachPolicyAgainstEachOutcome() {
        HookType post = HookType.POST_BACKUP;
        assertTrue(ExecutionPolicy.ALWAYS.decide(post, true, 0).run());
        assertTrue(ExecutionPolicy.ALWAYS.decide(post, false, 3).run());
        assertTrue(ExecutionPolicy.ON_SUCCESS.decide(post, true, 0).run());
        assertFalse(ExecutionPolicy.ON_SUCCESS.decide(post, false, 0).run());
        assertFalse(ExecutionPolicy.ON_FAILURE.decide(post, true, 0).run());
        assertTrue(ExecutionPolicy.ON_FAILURE.decide(post, false, 2).run());
        assertFalse(ExecutionPolicy.ON_FINAL_RETRY_FAILURE.decide(post, true, 0).run());
        assertFalse(ExecutionPolicy.ON_FINAL_RETRY_FAILURE.decide(post, false, 1).run());
        assertTrue(ExecutionPolicy.ON_FINAL_RETRY_FAILURE.decide(post, false, 0).run());
        assertEquals("Skipping executing postBackup hook: executionPolicy OnSuccess but the target Failed",
                ExecutionPolicy.ON_SUCCESS.decide(post, false, 0).reason());
    }

    @Test
    void onFinalRetryFailureIsForBackupsOnly() {
        assertThrows(IllegalArgumentException.class,
                () -> ExecutionPolicy.ON_FINAL_RETRY_FAILURE.decide(HookType.POST_RESTORE, false, 0));
        assertTrue(ExecutionPolicy.ON_FAILURE.decide(HookType.POST_RESTORE, false, 0).run());
    }
}
