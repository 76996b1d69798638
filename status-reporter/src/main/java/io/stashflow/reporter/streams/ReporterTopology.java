package io.stashflow.reporter.streams;

import io.stashflow.reporter.core.StatusProjector;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the reporter's Kafka Streams topology. Three stateful stages, all under {@code exactly_once_v2}:
 *
 * <pre>
 *  sessions, step-outcomes, plan-rejected, reporter-signals ──► [aggregator: session-facts store, sweeper]
 *        │ SessionStatus ──► session-status (compacted)
 *        │ SessionStatus by invoker ──► reporter-history ──► [history: history-index store, definitions] ──►
 *        │        tombstones ──► session-status;  DELETE / BackupHistoryCleaned signals ──► reporter-signals
 *        │ update by repository ──► reporter-repository-updates ──► [repositories store] ──► repository-status
 *        │ MetricsPushRequest ──► reporter-metrics-pushes ──► (MetricsPusher, outside the transaction)
 *        │ MetricFamilyState ──► reporter-metric-families (compacted) ──► (ScrapeView)
 *        └ RETRIED signal (a SessionRequested with retryOf), keyed by the retried session ──► reporter-signals
 * </pre>
 *
 * The Pushgateway push is a side effect and cannot be part of a Kafka transaction, so the aggregator only computes
 * what to push (inside the transaction, exactly once) and a separate consumer ({@code MetricsPusher}) pushes it at
 * least once, which is harmless because a POST of the same values is idempotent, then reports {@code MetricsPushed}
 * back through {@code reporter-signals}; the session becomes final when that signal is aggregated.
 */
public final class ReporterTopology {

    public static final String FACTS_STORE = "session-facts";
    public static final String HISTORY_STORE = "history-index";
    public static final String REPOSITORY_STORE = "repositories";
    public static final String DEFINITIONS_STORE = "definitions";

    /**
     * @param pushGated        a Pushgateway is configured: sessions become final when the pusher reports
     *                         {@code MetricsPushed}; without one they are final as soon as they complete
     * @param fleetCluster     in fleet mode the cluster id added to the Pushgateway grouping key
     * @param metricLabels     extra labels on every Stash series (Stash's {@code --metrics-labels})
     * @param sweepInterval    how often the sweeper looks for sessions past their deadline or whose agent is silent
     * @param agentSilence     how long a running session may go without outcomes; zero disables the check
     * @param deletedRetention how long the facts of a session removed by the history limit are kept, so that late
     *                         duplicates do not resurrect it
     * @param source           CloudEvents source of the records the reporter produces
     */
    public record Settings(boolean pushGated, Optional<String> fleetCluster, Map<String, String> metricLabels,
                           Duration sweepInterval, Duration agentSilence, Duration deletedRetention, String source) {
        public StatusProjector.Settings projection() {
            return new StatusProjector.Settings(pushGated);
        }
    }

    private ReporterTopology() {
    }

    public static Topology build(ReporterTopics names, ReporterSerdes serdes, Settings settings) {
        var topics = names.topics();
        Topology topology = new Topology();
        var strings = Serdes.String();

        topology.addSource("sessions", strings.deserializer(), serdes.sessionRequested.deserializer(), topics.sessions());
        topology.addSource("outcomes", strings.deserializer(), serdes.stepOutcome.deserializer(), topics.stepOutcomes());
        topology.addSource("rejections", strings.deserializer(), serdes.planRejected.deserializer(), topics.planRejections());
        topology.addSource("signals", strings.deserializer(), serdes.signal.deserializer(), names.signals());

        SessionFactsSerde factsSerde = new SessionFactsSerde(serdes, topics.sessions(), topics.stepOutcomes(),
                topics.planRejections(), names.signals(), topics.sessionStatus());
        StoreBuilder<KeyValueStore<String, io.stashflow.reporter.core.SessionFacts>> facts =
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FACTS_STORE), strings, factsSerde);
        topology.addProcessor("aggregator", () -> new SessionAggregator(settings), "sessions", "outcomes", "rejections",
                "signals");
        topology.addStateStore(facts, "aggregator");

        topology.addSink(SessionAggregator.TO_STATUS, topics.sessionStatus(), strings.serializer(),
                serdes.sessionStatus.serializer(), "aggregator");
        topology.addSink(SessionAggregator.TO_HISTORY, names.history(), strings.serializer(),
                serdes.sessionStatus.serializer(), "aggregator");
        topology.addSink(SessionAggregator.TO_REPOSITORY, names.repositoryUpdates(), strings.serializer(),
                serdes.repositoryStatus.serializer(), "aggregator");
        topology.addSink(SessionAggregator.TO_PUSHES, names.metricsPushes(), strings.serializer(),
                serdes.pushRequest.serializer(), "aggregator");
        topology.addSink(SessionAggregator.TO_FAMILIES, names.metricFamilies(), strings.serializer(),
                serdes.familyState.serializer(), "aggregator");
        topology.addSink(SessionAggregator.TO_SIGNALS, names.signals(), strings.serializer(), serdes.signal.serializer(),
                "aggregator");

        // history: keyed by invoker, so every session of one invoker is in one task
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DEFINITIONS_STORE), strings,
                        serdes.definition).withLoggingDisabled(),
                "definitions-source", strings.deserializer(), serdes.definition.deserializer(), topics.definitions(),
                "definitions-loader", () -> new DefinitionsLoader(DEFINITIONS_STORE));
        topology.addSource("history-source", strings.deserializer(), serdes.sessionStatus.deserializer(), names.history());
        topology.addProcessor("history", () -> new HistoryProcessor(settings), "history-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE), strings,
                strings), "history");
        topology.addSink(HistoryProcessor.TO_STATUS, topics.sessionStatus(), strings.serializer(),
                serdes.sessionStatus.serializer(), "history");
        topology.addSink(HistoryProcessor.TO_SIGNALS, names.signals(), strings.serializer(), serdes.signal.serializer(),
                "history");

        // repositories: keyed by repository
        topology.addSource("repository-source", strings.deserializer(), serdes.repositoryStatus.deserializer(),
                names.repositoryUpdates());
        topology.addProcessor("repositories", () -> new RepositoryAggregator(settings), "repository-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REPOSITORY_STORE), strings,
                serdes.repositoryStatus), "repositories");
        topology.addSink(RepositoryAggregator.TO_STATUS, topics.repositoryStatus(), strings.serializer(),
                serdes.repositoryStatus.serializer(), "repositories");
        return topology;
    }
}
