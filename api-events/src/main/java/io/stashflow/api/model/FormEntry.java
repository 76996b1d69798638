package io.stashflow.api.model;

import java.util.List;

/** One form field of an {@link HTTPPostAction}. */
public record FormEntry(String key, List<String> values) {

    public FormEntry {
        values = ModelCollections.list(values);
    }
}
