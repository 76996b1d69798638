package io.stashflow.reporter.streams;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.reporter.core.ConditionTypes;
import io.stashflow.reporter.core.Conditions;
import io.stashflow.reporter.core.HistoryLimits;
import io.stashflow.reporter.core.HistoryPolicy;
import io.stashflow.reporter.core.Phases;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import io.stashflow.service.logging.LogContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code backupHistoryLimit} ({@link HistoryPolicy}) per invoker. It keeps an index of each invoker's sessions
 * (name, creation time, phase); when one of them becomes final it decides which sessions to forget and emits, for
 * each, a tombstone on {@code session-status} (which the cluster agent's write-back turns into deleting the
 * BackupSession) and a DELETE signal so the aggregation forgets it too. The finished session gets
 * {@code BackupHistoryCleaned=True}, as in Stash. The limit is read from the invoker's BackupConfiguration or
 * BackupBatch on the definitions topic; without one Stash's default of 1 applies. Restore sessions have no history
 * limit in Stash and are left alone.
 */
final class HistoryProcessor implements Processor<String, SessionStatus, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryProcessor.class);

    static final String TO_STATUS = "history-to-session-status";
    static final String TO_SIGNALS = "history-to-signals";

    private final ReporterTopology.Settings settings;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, String> index;
    private KeyValueStore<String, Definition> definitions;

    HistoryProcessor(ReporterTopology.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.index = context.getStateStore(ReporterTopology.HISTORY_STORE);
        this.definitions = context.getStateStore(ReporterTopology.DEFINITIONS_STORE);
    }

    @Override
    public void process(Record<String, SessionStatus> record) {
        SessionStatus status = record.value();
        if (status == null || status.getSessionKey().getKind() != SessionKind.BACKUP || status.getInvoker() == null) {
            return;
        }
        SessionKey key = status.getSessionKey();
        List<HistoryPolicy.Entry> entries = decode(index.get(record.key()));
        String previousPhase = entries.stream().filter(e -> e.name().equals(key.getName())).map(HistoryPolicy.Entry::phase)
                .findFirst().orElse(null);
        entries.removeIf(e -> e.name().equals(key.getName()));
        Instant created = status.getCreatedAt() == null ? status.getUpdatedAt() : status.getCreatedAt();
        entries.add(new HistoryPolicy.Entry(key.getName(), created, status.getPhase()));
        boolean becameFinal = Phases.isFinal(status.getPhase()) && !Phases.isFinal(previousPhase);
        if (becameFinal) {
            try (LogContext ignored = LogContext.session(key)) {
                int limit = limit(key.getCluster(), key.getNamespace(), status.getInvoker().getKind(),
                        status.getInvoker().getName());
                List<String> delete = HistoryPolicy.toDelete(entries, limit);
                for (String name : delete) {
                    String sessionKey = RecordKeys.of(key.getCluster(), key.getNamespace(), name);
                    LOG.info("backupHistoryLimit {}: removing session {}", limit, name);
                    forward(TO_STATUS, sessionKey, null, EventTypes.of(SessionStatus.class), record.timestamp());
                    ReporterSignal deleteSignal = ReporterSignal.newBuilder().setKind(SignalKind.DELETE)
                            .setSessionKind(SessionKind.BACKUP.name()).setAt(status.getUpdatedAt())
                            .setSource("history").build();
                    forward(TO_SIGNALS, sessionKey, deleteSignal, "io.stashflow.reporter.ReporterSignal.v1",
                            record.timestamp());
                }
                entries.removeIf(e -> delete.contains(e.name()));
                if (!Conditions.has(status.getConditions(), ConditionTypes.BACKUP_HISTORY_CLEANED)
                        && !delete.contains(key.getName())) {
                    ReporterSignal cleaned = SessionAggregator.signal(key, ConditionTypes.BACKUP_HISTORY_CLEANED, true,
                            ConditionTypes.SUCCESSFULLY_CLEANED_BACKUP_HISTORY,
                            "Successfully cleaned up backup history according to backupHistoryLimit.",
                            status.getUpdatedAt(), "history");
                    forward(TO_SIGNALS, RecordKeys.of(key), cleaned, "io.stashflow.reporter.ReporterSignal.v1",
                            record.timestamp());
                }
            }
        }
        index.put(record.key(), encode(entries));
    }

    private int limit(String cluster, String namespace, String kind, String name) {
        Definition definition = definitions.get(RecordKeys.definition(cluster, kind, namespace, name));
        if (definition == null) {
            return HistoryPolicy.DEFAULT_LIMIT;
        }
        return HistoryLimits.fromDocument(definition.getDocument()).orElse(HistoryPolicy.DEFAULT_LIMIT);
    }

    private void forward(String child, String key, Object value, String type, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of(settings.source(), type, key));
        context.forward(new Record<>(key, value, timestamp, headers), child);
    }

    /** Index format: one line per session, {@code name \t createdMillis \t phase}. */
    static List<HistoryPolicy.Entry> decode(String text) {
        List<HistoryPolicy.Entry> entries = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return entries;
        }
        for (String line : text.split("\n")) {
            String[] parts = line.split("\t", -1);
            entries.add(new HistoryPolicy.Entry(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]));
        }
        return entries;
    }

    static String encode(List<HistoryPolicy.Entry> entries) {
        StringBuilder out = new StringBuilder();
        for (HistoryPolicy.Entry e : entries) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(e.name()).append('\t').append(e.createdAt().toEpochMilli()).append('\t').append(e.phase());
        }
        return out.toString();
    }
}
