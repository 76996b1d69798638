package io.stashflow.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

/**
 * Counts, instead of logging one by one, the produce retries that Kafka's transactions v2 (KIP-890) cause in every
 * exactly-once application, and logs a summary of them at most once per interval.
 *
 * <p>Under transactions v2 a producer's first write of a transaction adds the partition to it. When that write
 * reaches the broker while the previous transaction's commit markers are still being written, the broker answers
 * {@code CONCURRENT_TRANSACTIONS}; the producer's later batches of the same partition then arrive with sequence
 * numbers the broker cannot accept yet and get {@code OUT_OF_ORDER_SEQUENCE_NUMBER}. Both are retried by the
 * producer until they succeed. Kafka logs each of them: a WARN line per partition in the producer and, in the
 * embedded broker, an ERROR with a stack trace. With a 100 ms commit interval that is hundreds of lines a minute
 * that look like failures and are not, and they bury the lines an operator needs.
 *
 * <p>Only these are counted: the producer's "retrying" warning for those two errors (a request that finally fails
 * is still logged, by the producer and by Kafka Streams), and the broker's refusal of a non-zero first sequence
 * "for transactions v2 idempotent producer with no existing state". Every other out-of-order refusal, and every
 * other line of these loggers, passes. The first counted line is announced at once; summaries follow at the first
 * counted line after each interval. {@code mode=each} turns the filter off.
 */
public final class TransactionRetryLogFilter extends TurboFilter {

    static final String PRODUCER_SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    static final String BROKER_REPLICA_MANAGER = "kafka.server.ReplicaManager";
    private static final String PRODUCER_RETRYING = "Got error produce response with correlation id";
    private static final String BROKER_TV2_EMPTY_STATE =
            "for transactions v2 idempotent producer with no existing state";
    private static final String ERROR_LABEL = "Error: ";
    private static final String CONCURRENT_TRANSACTIONS = "CONCURRENT_TRANSACTIONS";
    private static final String OUT_OF_ORDER_SEQUENCE_NUMBER = "OUT_OF_ORDER_SEQUENCE_NUMBER";

    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final LongSupplier nanoClock;
    private final AtomicLong concurrentTransactions = new AtomicLong();
    private final AtomicLong outOfOrderSequence = new AtomicLong();
    private final AtomicLong brokerRefusals = new AtomicLong();
    /** When the current summary period began; {@link #NOT_STARTED} until the first counted line. */
    private final AtomicLong periodStart = new AtomicLong(NOT_STARTED);
    private volatile boolean each;
    private volatile long intervalNanos = TimeUnit.SECONDS.toNanos(60);

    public TransactionRetryLogFilter() {
        this(System::nanoTime);
    }

    TransactionRetryLogFilter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * {@code summary} (the default) counts the retries; {@code each} leaves Kafka's lines as they are.
     *
     * @throws IllegalArgumentException for any other value, naming the variable that sets it
     */
    public void setMode(String mode) {
        String normalised = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        switch (normalised) {
            case "", "summary" -> each = false;
            case "each" -> each = true;
            default -> throw new IllegalArgumentException(
                    "STASHFLOW_KAFKA_RETRY_LOGS must be 'summary' or 'each', not '" + mode + "'");
        }
    }

    /** Seconds between summaries (default 60). */
    public void setSummaryIntervalSeconds(long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("the summary interval must be at least one second, not " + seconds);
        }
        intervalNanos = TimeUnit.SECONDS.toNanos(seconds);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (each || format == null || !isStarted()) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        if (level == Level.WARN && PRODUCER_SENDER.equals(name) && format.contains(PRODUCER_RETRYING)) {
            String error = producerError(format, params);
            if (CONCURRENT_TRANSACTIONS.equals(error)) {
                concurrentTransactions.incrementAndGet();
            } else if (OUT_OF_ORDER_SEQUENCE_NUMBER.equals(error)) {
                outOfOrderSequence.incrementAndGet();
            } else {
                return FilterReply.NEUTRAL;
            }
        } else if (level == Level.ERROR && BROKER_REPLICA_MANAGER.equals(name)
                && t instanceof OutOfOrderSequenceException && t.getMessage() != null
                && t.getMessage().contains(BROKER_TV2_EMPTY_STATE)) {
            brokerRefusals.incrementAndGet();
        } else {
            return FilterReply.NEUTRAL;
        }
        report();
        return FilterReply.DENY;
    }

    /**
     * The error a producer line names: Kafka's logger wrapper formats the message itself (the arguments arrive
     * already in the text, after "Error: "); a plain SLF4J call leaves it as the last argument.
     */
    private static String producerError(String format, Object[] params) {
        if (params != null && params.length > 0) {
            return String.valueOf(params[params.length - 1]);
        }
        int at = format.lastIndexOf(ERROR_LABEL);
        return at < 0 ? "" : format.substring(at + ERROR_LABEL.length()).trim();
    }

    private void report() {
        long now = nanoClock.getAsLong();
        long start = periodStart.get();
        if (start == NOT_STARTED) {
            if (!periodStart.compareAndSet(NOT_STARTED, now)) {
                return;
            }
            summaryLogger().info("Kafka is retrying produce requests that a transaction sent while its previous"
                    + " commit was still completing (transactions v2: CONCURRENT_TRANSACTIONS, then"
                    + " OUT_OF_ORDER_SEQUENCE_NUMBER for the batches behind it). These retries are expected;"
                    + " they are counted and summarised every {} s instead of logged one by one"
                    + " (STASHFLOW_KAFKA_RETRY_LOGS=each logs each). A request that finally fails is still logged.",
                    TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
            return;
        }
        if (now - start < intervalNanos || !periodStart.compareAndSet(start, now)) {
            return;
        }
        long concurrent = concurrentTransactions.getAndSet(0);
        long outOfOrder = outOfOrderSequence.getAndSet(0);
        long refused = brokerRefusals.getAndSet(0);
        summaryLogger().info("In the last {} s Kafka producers retried {} produce requests"
                        + " (CONCURRENT_TRANSACTIONS {}, OUT_OF_ORDER_SEQUENCE_NUMBER {}) and the broker refused {}"
                        + " batches that arrived ahead of them; each was retried",
                TimeUnit.NANOSECONDS.toSeconds(now - start), concurrent + outOfOrder, concurrent, outOfOrder,
                refused);
    }

    private org.slf4j.Logger summaryLogger() {
        return ((LoggerContext) getContext()).getLogger(TransactionRetryLogFilter.class);
    }
}
