package io.stashflow.reporter.streams;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.TypedObjectRef;
import io.stashflow.events.InvokerRef;
import io.stashflow.reporter.core.AvroValues;
import io.stashflow.reporter.core.RepositoryStatusMerger;
import io.stashflow.reporter.core.StatusProjector.RepositoryUpdate;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Merges each session's update-status result into its Repository's status ({@link RepositoryStatusMerger}) and emits
 * the status when it changed. Input records are single-session "deltas" in the RepositoryStatus shape, keyed by
 * repository.
 */
final class RepositoryAggregator implements Processor<String, RepositoryStatus, String, RepositoryStatus> {

    static final String TO_STATUS = "to-repository-status";

    private final ReporterTopology.Settings settings;
    private ProcessorContext<String, RepositoryStatus> context;
    private KeyValueStore<String, RepositoryStatus> store;

    RepositoryAggregator(ReporterTopology.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, RepositoryStatus> context) {
        this.context = context;
        this.store = context.getStateStore(ReporterTopology.REPOSITORY_STORE);
    }

    @Override
    public void process(Record<String, RepositoryStatus> record) {
        RepositoryStatus delta = record.value();
        if (delta == null) {
            return;
        }
        RepositoryStatus previous = store.get(record.key());
        RepositoryStatus merged = RepositoryStatusMerger.merge(previous, asUpdate(delta));
        if (AvroValues.same(merged, previous)) {
            return;
        }
        store.put(record.key(), merged);
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of(settings.source(),
                EventTypes.of(RepositoryStatus.class), record.key()));
        context.forward(new Record<>(record.key(), merged, record.timestamp(), headers), TO_STATUS);
    }

    /** A delta carries one session's result: creation time as lastBackupTime, its invoker as the only reference. */
    static RepositoryUpdate asUpdate(RepositoryStatus delta) {
        TypedObjectRef ref = delta.getReferences().isEmpty() ? null : delta.getReferences().get(0);
        InvokerRef invoker = ref == null ? null : new InvokerRef(ref.getApiGroup(), ref.getKind(), ref.getName());
        return new RepositoryUpdate(delta.getCluster(), delta.getNamespace(), delta.getName(), "", delta.getIntegrity(),
                delta.getTotalSize(), delta.getSnapshotCount(), delta.getSnapshotsRemovedOnLastCleanup(),
                delta.getLastBackupTime(), invoker, ref == null ? null : ref.getNamespace());
    }
}
