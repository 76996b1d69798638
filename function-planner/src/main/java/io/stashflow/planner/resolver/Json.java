package io.stashflow.planner.resolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.api.model.StashResourceReader;

/** The Jackson mapper the resolver converts with: the resource reader's, so records and trees agree. */
final class Json {

    private Json() {
    }

    static final ObjectMapper MAPPER = StashResourceReader.jsonMapper();
}
