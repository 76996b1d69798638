package io.stashflow.api.serde;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Deep equality of generated records for assertions.
 *
 * <p>Needed because Avro 1.12.1's generated {@code equals} compares arrays through {@code GenericData.get()}, which
 * knows no logical-type conversions: an array of records holding an optional {@code timestamp-millis} (an
 * {@code Instant}) makes {@code equals} throw "Unknown datum type java.time.Instant".
 */
final class RecordEquality {

    private RecordEquality() {
    }

    static void assertRecordEquals(Object expected, Object actual, String context) {
        if (!deepEquals(expected, actual)) {
            fail(context + ": records differ\nexpected: " + expected + "\nactual:   " + actual);
        }
    }

    static boolean deepEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof SpecificRecord ra && b instanceof SpecificRecord rb) {
            if (ra.getClass() != rb.getClass()) {
                return false;
            }
            int fields = ra.getSchema().getFields().size();
            for (int i = 0; i < fields; i++) {
                if (!deepEquals(ra.get(i), rb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            Iterator<?> ib = lb.iterator();
            for (Object element : la) {
                if (!deepEquals(element, ib.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : ma.entrySet()) {
                Object key = entry.getKey().toString();
                Object other = mb.containsKey(key) ? mb.get(key) : null;
                if (!mb.containsKey(key) || !deepEquals(entry.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof CharSequence && b instanceof CharSequence) {
            return a.toString().equals(b.toString());
        }
        return Objects.equals(a, b);
    }
}
