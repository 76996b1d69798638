package io.stashflow.planner.topology;

/**
 * A Bloom filter over the session keys in the planner's store: "not known" is certain, "maybe known" needs the
 * store. Almost every request is for a new session, and asking RocksDB for a key it does not have costs more than
 * the rest of deduplication (the JNI call, and a C++ exception inside RocksDB's Java binding for every miss).
 *
 * <p>Keys are only ever added; a key deleted from the store stays "maybe known", which costs a store lookup and
 * nothing else. When {@link #full()} says the filter holds more keys than it was sized for (false positives would
 * rise), the owner continues with {@link #grown()}: a new layer as large as everything added so far, on top of the
 * old ones, which stay as they are. Rebuilding from the store instead would read every session the task holds, a
 * pause that grows with the store and came back each time it doubled; the owner rebuilds only where it reads the
 * whole store anyway (at start and when it purges). About 10 bits per key, a false-positive rate near 1 % per
 * layer; layers double, so a store that grew from 65,536 to 4 million keys without a purge has 7. Not thread-safe
 * (one per processor).
 */
final class KnownKeys {

    private static final int HASHES = 7;
    private static final int BITS_PER_KEY = 10;
    private static final int MIN_CAPACITY = 1 << 16;

    private final long[] bits;
    private final long bitCount;
    private final int capacity;
    /** The layers made before this one, or null. */
    private final KnownKeys older;
    private int added;

    /** A filter sized for {@code expectedKeys} (at least {@value #MIN_CAPACITY}). */
    KnownKeys(int expectedKeys) {
        this(expectedKeys, null);
    }

    private KnownKeys(int expectedKeys, KnownKeys older) {
        this.older = older;
        long wanted = (long) Math.max(expectedKeys, MIN_CAPACITY) * BITS_PER_KEY;
        int words = (int) Math.min((wanted + 63) / 64, Integer.MAX_VALUE - 8);
        this.bits = new long[words];
        this.bitCount = (long) words * 64;
        this.capacity = (int) Math.min(bitCount / BITS_PER_KEY, Integer.MAX_VALUE);
    }

    /** A filter for the keys the store holds now, with room for as many again. */
    static KnownKeys sizedFor(int keysNow) {
        return new KnownKeys((int) Math.min(2L * keysNow, Integer.MAX_VALUE / BITS_PER_KEY));
    }

    /**
     * This filter's keys, with a new layer for as many keys again as were added to all layers so far: for when
     * {@link #full()}, without reading the store.
     */
    KnownKeys grown() {
        return new KnownKeys((int) Math.min(added(), Integer.MAX_VALUE / BITS_PER_KEY), this);
    }

    void add(String key) {
        long h1 = hash(key);
        long h2 = mix(h1);
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bitCount);
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
        added++;
    }

    /** False: the key was never added. True: it may have been. */
    boolean mayContain(String key) {
        long h1 = hash(key);
        long h2 = mix(h1);
        for (KnownKeys layer = this; layer != null; layer = layer.older) {
            if (layer.mayContain(h1, h2)) {
                return true;
            }
        }
        return false;
    }

    private boolean mayContain(long h1, long h2) {
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bitCount);
            if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** How many keys were added, to every layer. */
    int added() {
        return older == null ? added : added + older.added();
    }

    /** How many layers the filter has. */
    int layers() {
        return older == null ? 1 : 1 + older.layers();
    }

    /** Whether more keys were added than the newest layer was sized for. */
    boolean full() {
        return added > capacity;
    }

    /** 64-bit FNV-1a over the key's chars (keys are short; String.hashCode's 32 bits would clump). */
    private static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A second, independent-enough hash from the first (murmur3's finaliser). */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h | 1;
    }
}
