package io.stashflow.reporter.streams;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Condition;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.reporter.core.AvroValues;
import io.stashflow.reporter.core.ConditionTypes;
import io.stashflow.reporter.core.Phases;
import io.stashflow.reporter.core.RepositoryStatusMerger;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.core.StatusProjector;
import io.stashflow.reporter.core.SweepPolicy;
import io.stashflow.reporter.events.MetricFamilyState;
import io.stashflow.reporter.events.MetricsPushRequest;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import io.stashflow.reporter.metrics.StashMetrics;
import io.stashflow.service.logging.LogContext;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds every input about a session into its {@link SessionFacts}, projects the status with Stash's rules
 * ({@link StatusProjector}) and emits what changed: the status (one record per change), the Repository update,
 * and, once the session's work is complete, its metrics. A wall-clock punctuator sweeps sessions past their deadline
 * or whose agent went silent ({@link SweepPolicy}).
 *
 * <p>A {@code SessionRequested} with {@code retryOf} (the planner retrying a failed session) is also relayed, as a
 * RETRIED signal keyed by the failed session, to {@code reporter-signals}: the failed session's facts live under its
 * own key, possibly in another task, and reach this processor again from there.
 */
final class SessionAggregator implements Processor<String, Object, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(SessionAggregator.class);

    static final String TO_STATUS = "to-session-status";
    static final String TO_HISTORY = "to-history";
    static final String TO_REPOSITORY = "to-repository-updates";
    static final String TO_PUSHES = "to-metrics-pushes";
    static final String TO_FAMILIES = "to-metric-families";
    static final String TO_SIGNALS = "to-signals";

    private final ReporterTopology.Settings settings;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SessionFacts> store;

    SessionAggregator(ReporterTopology.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ReporterTopology.FACTS_STORE);
        context.schedule(settings.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        if (value == null) {
            return;
        }
        SessionKey key = value instanceof ReporterSignal signal ? signalKey(record.key(), signal) : sessionKey(value);
        if (key == null) {
            LOG.warn("ignoring a reporter signal for {} that does not say whether the session is a backup or a restore",
                    record.key());
            return;
        }
        String storeKey = RecordKeys.of(key);
        if (record.key() != null && !record.key().equals(storeKey)) {
            LOG.warn("record key {} does not match its session {}; using the session (producers must key by"
                    + " cluster/namespace/name so a session stays on one partition)", record.key(), storeKey);
        }
        try (LogContext ignored = LogContext.session(key)) {
            SessionFacts facts = store.get(storeKey);
            if (facts == null) {
                facts = new SessionFacts(key);
            }
            if (facts.deleted()) {
                LOG.debug("ignoring input for {}: removed by the history limit", storeKey);
                return;
            }
            boolean changed;
            if (value instanceof SessionRequested r) {
                changed = facts.addRequest(r);
                if (changed) {
                    relayRetry(key, r, record.timestamp());
                }
            } else if (value instanceof StepOutcome o) {
                changed = facts.addOutcome(o);
            } else if (value instanceof PlanRejected p) {
                changed = facts.addRejection(p);
            } else if (value instanceof ReporterSignal s) {
                changed = facts.addSignal(s);
            } else {
                throw new IllegalArgumentException("unexpected input " + value.getClass().getName());
            }
            if (!changed) {
                LOG.debug("duplicate input for {} ignored", storeKey);
                return;
            }
            if (facts.deleted() || !facts.knowsSession()) {
                store.put(storeKey, facts);
                return;
            }
            update(storeKey, facts);
        }
    }

    /** Tells the session a retry names (same cluster and namespace) that it was retried, at the retry's request time. */
    private void relayRetry(SessionKey retryKey, SessionRequested retry, long timestamp) {
        String retried = retry.getRetryOf();
        if (retried == null || retried.isBlank()) {
            return;
        }
        if (retried.equals(retryKey.getName())) {
            LOG.warn("session {} names itself in retryOf; not marked retried", retryKey.getName());
            return;
        }
        ReporterSignal signal = ReporterSignal.newBuilder()
                .setKind(SignalKind.RETRIED)
                .setSessionKind(retryKey.getKind().name())
                .setMessage(retryKey.getName())
                .setAt(retry.getRequestedAt())
                .setSource("aggregator")
                .build();
        LOG.info("retry of session {} requested; marking it retried", retried);
        forward(TO_SIGNALS, RecordKeys.of(retryKey.getCluster(), retryKey.getNamespace(), retried), signal,
                ReporterSignal.class, Math.max(timestamp, 0));
    }

    private static SessionKey sessionKey(Object value) {
        if (value instanceof SessionRequested r) {
            return new SessionKey(r.getCluster(), r.getNamespace(), r.getSessionName(), r.getKind());
        }
        if (value instanceof StepOutcome o) {
            return o.getSessionKey();
        }
        if (value instanceof PlanRejected p) {
            return p.getSessionKey();
        }
        return null;
    }

    /** Signals carry no SessionKey record: the record key and the session kind (or the stored facts) give it. */
    private SessionKey signalKey(String recordKey, ReporterSignal signal) {
        if (recordKey == null) {
            return null;
        }
        if (signal.getSessionKind() != null) {
            RecordKeys.Parts parts = RecordKeys.parse(recordKey);
            return new SessionKey(parts.cluster(), parts.namespace(), parts.name(),
                    SessionKind.valueOf(signal.getSessionKind()));
        }
        SessionFacts known = store.get(recordKey);
        return known == null ? null : known.key();
    }

    /** Projects and emits; stores the facts. */
    private void update(String storeKey, SessionFacts facts) {
        StatusProjector.Projection projection = StatusProjector.project(facts, settings.projection());
        SessionStatus status = projection.status();
        if (Phases.isFinal(status.getPhase())) {
            facts.freeze(status.getPhase(), status.getSessionDuration());
        }
        long timestamp = Math.max(context.currentSystemTimeMs(), 0);
        if (!AvroValues.same(status, facts.lastStatus())) {
            String previous = facts.lastStatus() == null ? "-" : facts.lastStatus().getPhase();
            if (!status.getPhase().equals(previous)) {
                LOG.info("session phase {} -> {}", previous, status.getPhase());
            }
            facts.lastStatus(status);
            forward(TO_STATUS, storeKey, status, SessionStatus.class, timestamp);
            if (status.getInvoker() != null) {
                String invokerKey = invokerKey(status);
                forward(TO_HISTORY, invokerKey, status, SessionStatus.class, timestamp);
            }
        }
        projection.repository().ifPresent(update -> {
            if (!update.outcomeId().equals(facts.lastRepositoryOutcomeId())) {
                facts.lastRepositoryOutcomeId(update.outcomeId());
                RepositoryStatus delta = RepositoryStatusMerger.merge(null, update);
                forward(TO_REPOSITORY, RecordKeys.of(update.cluster(), update.namespace(), update.name()), delta,
                        RepositoryStatus.class, timestamp);
            }
        });
        if (projection.completed() && facts.pushRequestedAt() == null) {
            facts.pushRequestedAt(status.getUpdatedAt());
            emitMetrics(storeKey, facts, projection, timestamp);
        }
        store.put(storeKey, facts);
    }

    static String invokerKey(SessionStatus status) {
        SessionKey key = status.getSessionKey();
        return key.getCluster() + "/" + key.getNamespace() + "/" + status.getInvoker().getKind() + "/"
                + status.getInvoker().getName();
    }

    private void emitMetrics(String storeKey, SessionFacts facts, StatusProjector.Projection projection, long timestamp) {
        SessionStatus status = projection.status();
        if (status.getInvoker() == null) {
            LOG.warn("session has no invoker, so it has no Pushgateway job; its metrics are not pushed");
            if (settings.pushGated() && !facts.hasSignal(ConditionTypes.METRICS_PUSHED)) {
                facts.addSignal(signal(status.getSessionKey(), ConditionTypes.METRICS_PUSHED, false,
                        ConditionTypes.FAILED_TO_PUSH_METRICS, "Failed to push metrics. Reason: the session has no"
                                + " invoker (neither its SessionRequested nor its step outcomes name one)",
                        status.getUpdatedAt(), "aggregator"));
                update(storeKey, facts);
            }
            return;
        }
        String repositoryName = facts.outcomes().stream().filter(o -> o.getRepositoryName() != null)
                .max(Comparator.comparing(StepOutcome::getOutcomeId)).map(StepOutcome::getRepositoryName).orElse(null);
        StashMetrics.Push push = StashMetrics.compute(status, repositoryName, projection.repository(),
                settings.fleetCluster(), settings.metricLabels());
        String cluster = push.cluster().orElse(null);
        if (settings.pushGated()) {
            MetricsPushRequest request = MetricsPushRequest.newBuilder()
                    .setSessionKind(status.getSessionKey().getKind().name())
                    .setJob(push.job())
                    .setCluster(cluster)
                    .setBody(PrometheusTextFormat.write(push.families()))
                    .setCompletedAt(push.completedAt())
                    .setReportsRepositoryMetrics(push.reportsRepositoryMetrics()
                            && !facts.outcomes().isEmpty()
                            && status.getConditions().stream().noneMatch(
                                    c -> c.getType().equals(ConditionTypes.REPOSITORY_METRICS_PUSHED)))
                    .build();
            forward(TO_PUSHES, storeKey, request, MetricsPushRequest.class, timestamp);
        }
        for (MetricFamily family : push.families()) {
            StringBuilder text = new StringBuilder();
            PrometheusTextFormat.write(family, text);
            MetricFamilyState state = MetricFamilyState.newBuilder()
                    .setJob(push.job()).setCluster(cluster).setFamily(family.name()).setText(text.toString())
                    .setCompletedAt(push.completedAt()).build();
            forward(TO_FAMILIES, (cluster == null ? "" : cluster) + "|" + push.job() + "|" + family.name(), state,
                    MetricFamilyState.class, timestamp);
        }
    }

    static ReporterSignal signal(SessionKey key, String type, boolean status, String reason, String message,
                                 Instant at, String source) {
        return ReporterSignal.newBuilder()
                .setKind(SignalKind.CONDITION)
                .setSessionKind(key.getKind().name())
                .setConditionType(type)
                .setConditionStatus(status ? ConditionTypes.TRUE : ConditionTypes.FALSE)
                .setReason(reason)
                .setMessage(message)
                .setAt(at)
                .setSource(source)
                .build();
    }

    private void forward(String child, String key, SpecificRecord value, Class<? extends SpecificRecord> type,
                         long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        String ceType = type == SessionStatus.class || type == RepositoryStatus.class ? EventTypes.of(type)
                : "io.stashflow.reporter." + type.getSimpleName() + ".v1";
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of(settings.source(), ceType, key));
        context.forward(new Record<String, Object>(key, value, timestamp, headers), child);
    }

    /** The sweeper: ends sessions past their deadline or whose agent went silent; forgets long-deleted ones. */
    private void sweep(long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        List<KeyValue<String, SessionFacts>> due = new ArrayList<>();
        List<String> purge = new ArrayList<>();
        try (KeyValueIterator<String, SessionFacts> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, SessionFacts> entry = all.next();
                SessionFacts facts = entry.value;
                if (facts.deleted()) {
                    if (facts.deletedAt().plus(settings.deletedRetention()).isBefore(now)) {
                        purge.add(entry.key);
                    }
                    continue;
                }
                if (facts.lastStatus() == null || Phases.isFinal(facts.lastStatus().getPhase())) {
                    continue;
                }
                due.add(entry);
            }
        }
        purge.forEach(store::delete);
        for (KeyValue<String, SessionFacts> entry : due) {
            SessionFacts facts = entry.value;
            StatusProjector.Projection projection = StatusProjector.project(facts, settings.projection());
            List<Condition> add = SweepPolicy.conditionsToAdd(projection.status(), projection.completed(),
                    facts.lastOutcomeAt(), now, settings.agentSilence());
            if (add.isEmpty()) {
                continue;
            }
            try (LogContext ignored = LogContext.session(facts.key())) {
                for (Condition c : add) {
                    LOG.warn("sweeper: {} ({})", c.getType(), c.getMessage());
                    facts.addSignal(signal(facts.key(), c.getType(), true, c.getReason(), c.getMessage(),
                            c.getLastTransitionTime(), "sweeper"));
                }
                update(entry.key, facts);
            }
        }
    }

}
