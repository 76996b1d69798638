package io.stashflow.api.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Random instances of any record schema, for round-trip tests over every event type.
 *
 * <p>Values are built as plain generic data (logical types in their underlying form) and turned into the generated
 * class by Avro itself, so the helper needs no knowledge of the classes' Java types and a new field type is
 * covered automatically.
 */
final class SampleRecords {

    private static final String ALPHABET = "abcXYZ-/._:09 äü€☃𝄞";
    private static final int MAX_DEPTH = 6;

    private SampleRecords() {
    }

    /** A random instance of a generated class; {@code seed} makes it reproducible. */
    static <T extends SpecificRecord> T specific(Class<T> type, long seed) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        GenericRecord generic = generic(schema, seed);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema, new GenericData()).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<T>(schema, schema, model)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A random generic record of {@code schema}. */
    static GenericRecord generic(Schema schema, long seed) {
        return (GenericRecord) value(schema, new Random(seed), 0);
    }

    private static Object value(Schema schema, Random random, int depth) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), value(field.schema(), random, depth + 1));
                }
                return record;
            }
            case ENUM: {
                List<String> symbols = schema.getEnumSymbols();
                return new GenericData.EnumSymbol(schema, symbols.get(random.nextInt(symbols.size())));
            }
            case ARRAY: {
                int size = depth > MAX_DEPTH ? 0 : random.nextInt(3);
                GenericData.Array<Object> array = new GenericData.Array<>(size, schema);
                for (int i = 0; i < size; i++) {
                    array.add(value(schema.getElementType(), random, depth + 1));
                }
                return array;
            }
            case MAP: {
                int size = depth > MAX_DEPTH ? 0 : random.nextInt(3);
                Map<String, Object> map = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    map.put(text(random) + i, value(schema.getValueType(), random, depth + 1));
                }
                return map;
            }
            case UNION: {
                List<Schema> branches = schema.getTypes();
                Schema branch = branches.get(random.nextInt(branches.size()));
                if (depth > MAX_DEPTH) {
                    branch = branches.stream().filter(b -> b.getType() == Schema.Type.NULL).findFirst().orElse(branch);
                }
                return value(branch, random, depth + 1);
            }
            case FIXED: {
                byte[] bytes = new byte[schema.getFixedSize()];
                random.nextBytes(bytes);
                return new GenericData.Fixed(schema, bytes);
            }
            case STRING:
                return logical != null && logical.getName().equals("uuid")
                        ? new UUID(random.nextLong(), random.nextLong()).toString() : text(random);
            case BYTES: {
                byte[] bytes = new byte[random.nextInt(8)];
                random.nextBytes(bytes);
                return ByteBuffer.wrap(bytes);
            }
            case INT:
                // dates and times of day stay in the range their conversions accept
                return logical != null ? random.nextInt(80_000_000) : random.nextInt();
            case LONG:
                // timestamps within a few centuries of 1970, which every time conversion accepts
                return logical != null ? (long) (random.nextDouble() * 8_000_000_000_000L) : random.nextLong();
            case FLOAT:
                return random.nextFloat();
            case DOUBLE:
                return random.nextDouble();
            case BOOLEAN:
                return random.nextBoolean();
            case NULL:
                return null;
            default:
                throw new IllegalArgumentException("no sample for schema type " + schema.getType());
        }
    }

    private static String text(Random random) {
        int length = random.nextInt(12);
        StringBuilder text = new StringBuilder();
        int[] codePoints = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }
}
