package io.stashflow.executor.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which offsets may be committed: a record counts as done once its pod exists (created or adopted) or it was rejected
 * durably; the committable offset of a partition is the lowest offset not done yet, so a job still waiting for a
 * concurrency slot is read again after a restart instead of being lost. Pure, single-threaded.
 *
 * @param <P> the partition type ({@code TopicPartition} in the agent)
 */
public final class OffsetTracker<P> {

    private static final class PartitionState {
        final TreeSet<Long> open = new TreeSet<>();
        long nextAfterReceived = -1;
        long lastCommitted = -1;
    }

    private final Map<P, PartitionState> partitions = new HashMap<>();

    /** A record was read and is now open. */
    public void received(P partition, long offset) {
        PartitionState s = partitions.computeIfAbsent(partition, p -> new PartitionState());
        s.open.add(offset);
        s.nextAfterReceived = Math.max(s.nextAfterReceived, offset + 1);
    }

    /** A record is done; unknown offsets are ignored. */
    public void done(P partition, long offset) {
        PartitionState s = partitions.get(partition);
        if (s != null) {
            s.open.remove(offset);
        }
    }

    /** The offset to commit for each partition whose committable offset moved since the last call. */
    public Map<P, Long> committable() {
        Map<P, Long> out = new HashMap<>();
        for (Map.Entry<P, PartitionState> e : partitions.entrySet()) {
            PartitionState s = e.getValue();
            if (s.nextAfterReceived < 0) {
                continue;
            }
            long offset = s.open.isEmpty() ? s.nextAfterReceived : s.open.first();
            if (offset > s.lastCommitted) {
                out.put(e.getKey(), offset);
            }
        }
        return out;
    }

    /** The offsets were committed. */
    public void committed(Map<P, Long> offsets) {
        offsets.forEach((p, o) -> {
            PartitionState s = partitions.get(p);
            if (s != null) {
                s.lastCommitted = Math.max(s.lastCommitted, o);
            }
        });
    }

    /** The partition was taken away: forget it (its open records will be read by the next owner). */
    public void revoke(P partition) {
        partitions.remove(Objects.requireNonNull(partition));
    }

    /** Whether any record of the partition is still open. */
    public int openCount(P partition) {
        PartitionState s = partitions.get(partition);
        return s == null ? 0 : s.open.size();
    }
}
