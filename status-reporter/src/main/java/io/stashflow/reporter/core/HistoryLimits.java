package io.stashflow.reporter.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.OptionalInt;

/** Reads {@code spec.backupHistoryLimit} from a BackupConfiguration or BackupBatch document (JSON). */
public final class HistoryLimits {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryLimits() {
    }

    /** The limit the document sets; empty when it sets none (Stash's default of 1 applies) or is not readable. */
    public static OptionalInt fromDocument(String json) {
        if (json == null || json.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            JsonNode limit = JSON.readTree(json).path("spec").path("backupHistoryLimit");
            return limit.canConvertToInt() && limit.isNumber() ? OptionalInt.of(limit.asInt()) : OptionalInt.empty();
        } catch (java.io.IOException e) {
            return OptionalInt.empty();
        }
    }
}
