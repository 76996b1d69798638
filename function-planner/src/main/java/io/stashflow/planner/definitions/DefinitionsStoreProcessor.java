package io.stashflow.planner.definitions;

import io.stashflow.events.Definition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global definitions store and the {@link DefinitionsView} in step with {@code stash.definitions}. Kafka
 * Streams runs it on the global thread for every record, also when it replays the topic at start-up (the store is
 * in memory, so every start replays the whole compacted topic, and the view is rebuilt with it).
 */
public final class DefinitionsStoreProcessor implements Processor<String, Definition, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsStoreProcessor.class);

    private final String storeName;
    private final DefinitionsView view;
    private KeyValueStore<String, Definition> store;

    public DefinitionsStoreProcessor(String storeName, DefinitionsView view) {
        this.storeName = storeName;
        this.view = view;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Definition> record) {
        if (record.key() == null) {
            LOG.warn("ignoring a definition without a key; keys are cluster/Kind/namespace/name");
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        view.apply(record.key(), record.value()).ifPresent(error ->
                LOG.warn("definition {} cannot be read; sessions that need it will be rejected: {}", record.key(),
                        error));
    }
}
