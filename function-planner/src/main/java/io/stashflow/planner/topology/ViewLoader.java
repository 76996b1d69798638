package io.stashflow.planner.topology;

import io.stashflow.events.SessionStatus;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds an in-memory view from a global store's topic. Kafka Streams runs it on the global thread for every record,
 * also when it replays the topic at start-up (the store is in memory and left empty: the view is what the tasks
 * read), so the view is complete before any task processes a record.
 */
final class ViewLoader<V> implements Processor<String, V, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ViewLoader.class);

    private final String what;
    private final BiConsumer<String, V> view;

    private ViewLoader(String what, BiConsumer<String, V> view) {
        this.what = what;
        this.view = view;
    }

    /** Statuses: only those the rules act on ({@link StatusDigest#relevant}); a tombstone removes the session. */
    static ViewLoader<SessionStatus> statuses(StatusView view) {
        return new ViewLoader<>("session status", (key, status) -> {
            if (status == null) {
                view.apply(key, null);
            } else if (StatusDigest.relevant(status)) {
                view.apply(key, StatusDigest.of(status));
            }
        });
    }

    static ViewLoader<TrackedSession> facts(FactsView view) {
        return new ViewLoader<>("session fact", view::apply);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            LOG.warn("ignoring a {} without a key; keys are cluster/namespace/name", what);
            return;
        }
        try {
            view.accept(record.key(), record.value());
        } catch (RuntimeException e) {
            // one odd record must not stop the global thread, which every task depends on
            LOG.error("cannot apply the {} {}; it is ignored", what, record.key(), e);
        }
    }
}
