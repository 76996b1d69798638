package io.stashflow.api.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * JSON mapping of {@link LocalSpec}: Go's {@code LocalSpec} embeds {@code core.VolumeSource}, so its fields sit
 * at the same level as {@code mountPath} and {@code subPath}. Reading splits them off into a {@link Volume};
 * writing merges them back.
 */
final class LocalSpecJson {

    /** The LocalSpec fields that are not part of the inline volume source. */
    static final Set<String> OWN_FIELDS = Set.of("mountPath", "subPath");

    private LocalSpecJson() {
    }

    static final class Reader extends StdDeserializer<LocalSpec> {

        private static final long serialVersionUID = 1L;

        Reader() {
            super(LocalSpec.class);
        }

        @Override
        public LocalSpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = context.readTree(parser);
            if (!node.isObject()) {
                return (LocalSpec) context.handleUnexpectedToken(LocalSpec.class, parser);
            }
            ObjectNode volumeSource = ((ObjectNode) node).deepCopy();
            String mountPath = readText(context, volumeSource.remove("mountPath"), "mountPath");
            String subPath = readText(context, volumeSource.remove("subPath"), "subPath");
            Volume volume = volumeSource.isEmpty() ? null : context.readTreeAsValue(volumeSource, Volume.class);
            return new LocalSpec(mountPath, subPath, volume);
        }

        private static String readText(DeserializationContext context, JsonNode value, String field) throws IOException {
            if (value == null || value.isNull()) {
                return null;
            }
            try {
                return context.readTreeAsValue(value, String.class);
            } catch (JsonMappingException e) {
                // the nested read starts a fresh path; put the field name back so the error points at it
                e.prependPath(LocalSpec.class, field);
                throw e;
            }
        }
    }

    static final class Writer extends StdSerializer<LocalSpec> {

        private static final long serialVersionUID = 1L;

        Writer() {
            super(LocalSpec.class);
        }

        @Override
        public void serialize(LocalSpec value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeStartObject();
            if (value.mountPath() != null) {
                generator.writeStringField("mountPath", value.mountPath());
            }
            if (value.subPath() != null) {
                generator.writeStringField("subPath", value.subPath());
            }
            if (value.volumeSource() != null) {
                JsonNode volume = StashResourceReader.jsonMapper().valueToTree(value.volumeSource());
                for (Map.Entry<String, JsonNode> field : volume.properties()) {
                    // a backend volume has no name of its own; the resolver names it when it builds the pod
                    if (!field.getKey().equals("name") && !OWN_FIELDS.contains(field.getKey())) {
                        generator.writeFieldName(field.getKey());
                        generator.writeTree(field.getValue());
                    }
                }
            }
            generator.writeEndObject();
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, LocalSpec value) {
            return value == null;
        }
    }
}
