package io.stashflow.reporter.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Value equality of generated Avro records. The generated {@code equals} goes through {@code GenericData.compare},
 * which fails with "Unknown datum type java.time.Instant" on timestamp fields inside unions of nested records, so the
 * reporter compares the records' binary encodings instead: equal encodings under the same schema are equal values.
 */
public final class AvroValues {

    private AvroValues() {
    }

    public static boolean same(SpecificRecord a, SpecificRecord b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || !a.getClass().equals(b.getClass())) {
            return false;
        }
        return Arrays.equals(encode(a), encode(b));
    }

    @SuppressWarnings("unchecked")
    public static byte[] encode(SpecificRecord record) {
        SpecificDatumWriter<SpecificRecord> writer = new SpecificDatumWriter<>(
                (Class<SpecificRecord>) record.getClass());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
