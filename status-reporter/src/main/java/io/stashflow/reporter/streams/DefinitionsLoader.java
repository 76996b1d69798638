package io.stashflow.reporter.streams;

import io.stashflow.events.Definition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the definitions topic in a global store as it is (a tombstone deletes), so the history stage can read an
 * invoker's {@code backupHistoryLimit}. The store holds exactly the topic's values because Kafka Streams restores
 * global stores from the topic without running this processor.
 */
final class DefinitionsLoader implements Processor<String, Definition, Void, Void> {

    private final String storeName;
    private KeyValueStore<String, Definition> store;

    DefinitionsLoader(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Definition> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
