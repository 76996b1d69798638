package io.stashflow.service.streams;

import io.stashflow.events.Rejected;
import io.stashflow.service.metrics.ServiceMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka Streams topology the way every Stashflow service does:
 *
 * <ul>
 *   <li>{@code processing.guarantee=exactly_once_v2}, a state directory of the service's choosing, and the
 *       {@link RejectingDeserializationHandler} for undecodable input;</li>
 *   <li>an uncaught exception replaces the stream thread (the failed task is retried from its last commit) up to
 *       {@code maxThreadReplacements} times within {@code replacementWindow}; beyond that the client shuts down and
 *       the liveness check fails, so the orchestrator restarts the process instead of letting it spin;</li>
 *   <li>readiness is "state RUNNING"; liveness is "not ERROR and not shut down by the uncaught-exception policy";</li>
 *   <li>{@link #close()} stops gracefully: Streams finishes and commits the current transaction within the timeout.</li>
 * </ul>
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final String service;
    private final KafkaStreams streams;
    private final int maxThreadReplacements;
    private final Duration replacementWindow;
    private final Duration closeTimeout;
    private final Deque<Instant> replacements = new ArrayDeque<>();
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RejectingDeserializationHandler.GlobalWriter globalWriter;

    /**
     * @param service    name used in logs and metric labels ({@code reporter})
     * @param properties from {@link #properties}; more may be added
     * @param metrics    where the runner counts thread replacements; may be null
     */
    public StreamsRunner(String service, Topology topology, Properties properties, ServiceMetrics metrics,
                         int maxThreadReplacements, Duration replacementWindow, Duration closeTimeout) {
        this.service = service;
        this.maxThreadReplacements = maxThreadReplacements;
        this.replacementWindow = replacementWindow;
        this.closeTimeout = closeTimeout;
        this.streams = new KafkaStreams(topology, properties);
        this.globalWriter = properties.get(RejectingDeserializationHandler.GLOBAL_WRITER)
                instanceof RejectingDeserializationHandler.GlobalWriter w ? w : null;
        ServiceMetrics.CounterFamily threadFailures = metrics == null ? null
                : metrics.counter("stream_thread_failures_total", "Stream threads that died of an uncaught exception");
        streams.setStateListener((newState, oldState) -> {
            state.set(newState);
            LOG.info("{} streams state {} -> {}", service, oldState, newState);
        });
        streams.setUncaughtExceptionHandler(exception -> {
            if (threadFailures != null) {
                threadFailures.inc();
            }
            synchronized (replacements) {
                Instant now = Instant.now();
                replacements.addLast(now);
                while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(replacementWindow))) {
                    replacements.removeFirst();
                }
                if (replacements.size() > this.maxThreadReplacements) {
                    fatal.set(exception.toString());
                    LOG.error("{}: stream thread failed {} times within {}; shutting the client down so the process"
                            + " is restarted", service, replacements.size(), replacementWindow, exception);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
            }
            LOG.error("{}: stream thread failed; replacing it (its tasks resume from the last commit)", service, exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * The Streams settings every service uses. {@code extra} overrides them (tests lower
     * {@code commit.interval.ms}, for instance).
     */
    public static Properties properties(String applicationId, String bootstrapServers, Path stateDir,
                                        Map<String, ?> extra) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // what Kafka 5 will do anyway: the processing exception handler (the default fails the application) also
        // sees the exceptions of global-store processors, as it does those of the tasks; without it, Kafka 4 warns
        // at every start of an application with global stores
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka Streams 4.3 builds a second StreamsConfig for its partition assignor out of the main consumer's
        // settings, which leave the one above out, and that copy warned at every start; this gives it the same value
        // (the consumer itself ignores a setting it does not know)
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.putAll(extra);
        return p;
    }

    /**
     * Adds the {@link RejectingDeserializationHandler} settings.
     *
     * @param onReject run once per rejected record (e.g. a counter), may be null
     */
    public static Properties rejectingHandler(Properties properties, String rejectedTopic, String stage, String source,
                                              Serializer<Rejected> serializer, Runnable onReject) {
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RejectingDeserializationHandler.class.getName());
        properties.put(RejectingDeserializationHandler.REJECTED_TOPIC, rejectedTopic);
        properties.put(RejectingDeserializationHandler.STAGE, stage);
        properties.put(RejectingDeserializationHandler.SOURCE, source);
        properties.put(RejectingDeserializationHandler.SERIALIZER, serializer);
        // closed by the runner made with these properties
        properties.put(RejectingDeserializationHandler.GLOBAL_WRITER, RejectingDeserializationHandler.GlobalWriter.kafka(
                properties.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-global-rejections"));
        if (onReject != null) {
            properties.put(RejectingDeserializationHandler.ON_REJECT, onReject);
        }
        return properties;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return state.get();
    }

    /** Empty when RUNNING; otherwise what the service is waiting for. */
    public Optional<String> readinessProblem() {
        KafkaStreams.State s = state.get();
        return s == KafkaStreams.State.RUNNING ? Optional.empty()
                : Optional.of("Kafka Streams is " + s + " (ready when RUNNING)");
    }

    /** Empty while the client can still make progress. */
    public Optional<String> livenessProblem() {
        KafkaStreams.State s = state.get();
        if (fatal.get() != null) {
            return Optional.of("stream threads kept failing (last: " + fatal.get() + ")");
        }
        if (s == KafkaStreams.State.ERROR || (!closed.get() && s == KafkaStreams.State.NOT_RUNNING)) {
            return Optional.of("Kafka Streams is " + s);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LOG.info("{}: closing Kafka Streams (up to {})", service, closeTimeout);
            // leave the group on close: a restarted instance then gets its tasks at once instead of waiting for the
            // old member's session to time out (Streams keeps the membership by default, for rolling restarts)
            boolean clean = streams.close(org.apache.kafka.streams.CloseOptions.timeout(closeTimeout)
                    .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!clean) {
                LOG.warn("{}: Kafka Streams did not close within {}", service, closeTimeout);
            }
            if (globalWriter != null) {
                globalWriter.close();
            }
        }
    }
}
