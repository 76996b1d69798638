package io.stashflow.builtin.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the built-in Functions' results: compact JSON for the container's termination message (Kubernetes keeps
 * at most 4096 bytes of it) and indented JSON for files. Absent values are omitted.
 */
public final class ResultFiles {

    /** Kubernetes' limit for one container's termination message. */
    public static final int TERMINATION_MESSAGE_LIMIT = 4096;

    /** Where Kubernetes reads the termination message from, unless the container says otherwise. */
    public static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

    private static final ObjectMapper COMPACT = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final ObjectMapper INDENTED = COMPACT.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    public static String compactJson(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    public static String indentedJson(Object value) {
        try {
            return INDENTED.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Writes the text (UTF-8), creating parent directories; the termination message file already exists in a pod. */
    public static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
