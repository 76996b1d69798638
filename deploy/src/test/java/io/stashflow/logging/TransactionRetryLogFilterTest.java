package io.stashflow.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

class TransactionRetryLogFilterTest {

    /** The producer's line, as Kafka 4.3's Sender writes it (its LogContext adds the prefix). */
    private static final String RETRYING = "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] "
            + "Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left)."
            + " Error: {}";
    private static final String BROKER_LINE = "[ReplicaManager broker=1] Error processing append operation on"
            + " partition abc:app-store-changelog-2";
    private static final String TV2_REFUSAL = "Invalid sequence number for producer 63 at offset 3120 in partition"
            + " app-store-changelog-2: 23 (incoming seq. number). Expected sequence 0 for transactions v2 idempotent"
            + " producer with no existing state.";

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(5));
    private LoggerContext context;
    private ListAppender<ILoggingEvent> lines;
    private TransactionRetryLogFilter filter;

    @BeforeEach
    void setUp() {
        context = new LoggerContext();
        lines = new ListAppender<>();
        lines.setContext(context);
        lines.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(lines);
        filter = new TransactionRetryLogFilter(now::get);
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
    }

    /** As Kafka's logger wrapper passes it on: formatted, with no arguments left. */
    private void producerRetry(Errors error) {
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).warn(MessageFormatter.arrayFormat(RETRYING,
                new Object[] {238L, "app-store-changelog-2", 2147483646, error}).getMessage());
    }

    private void brokerRefusal(String message) {
        context.getLogger(TransactionRetryLogFilter.BROKER_REPLICA_MANAGER).error(BROKER_LINE,
                new OutOfOrderSequenceException(message));
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void theFirstRetryIsAnnouncedAndTheNextOnesAreCountedUntilTheInterval() {
        producerRetry(Errors.CONCURRENT_TRANSACTIONS);
        assertEquals(1, lines.list.size(), messages().toString());
        ILoggingEvent notice = lines.list.get(0);
        assertEquals(Level.INFO, notice.getLevel());
        assertEquals(TransactionRetryLogFilter.class.getName(), notice.getLoggerName());
        assertTrue(notice.getFormattedMessage().contains("STASHFLOW_KAFKA_RETRY_LOGS=each"), notice
                .getFormattedMessage());

        now.addAndGet(TimeUnit.SECONDS.toNanos(30));
        producerRetry(Errors.CONCURRENT_TRANSACTIONS);
        producerRetry(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        brokerRefusal(TV2_REFUSAL);
        assertEquals(1, lines.list.size(), "nothing more within the interval: " + messages());

        now.addAndGet(TimeUnit.SECONDS.toNanos(31));
        producerRetry(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertEquals(2, lines.list.size(), messages().toString());
        assertEquals("In the last 61 s Kafka producers retried 4 produce requests (CONCURRENT_TRANSACTIONS 2,"
                + " OUT_OF_ORDER_SEQUENCE_NUMBER 2) and the broker refused 1 batches that arrived ahead of them;"
                + " each was retried",
                messages().get(1));

        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        brokerRefusal(TV2_REFUSAL);
        assertEquals("In the last 60 s Kafka producers retried 0 produce requests (CONCURRENT_TRANSACTIONS 0,"
                + " OUT_OF_ORDER_SEQUENCE_NUMBER 0) and the broker refused 1 batches that arrived ahead of them;"
                + " each was retried",
                messages().get(2), "counts start again after each summary");
    }

    @Test
    void aPlainCallWithTheErrorAsLastArgumentIsCountedToo() {
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).warn(RETRYING, 238L, "t-2", 5,
                Errors.CONCURRENT_TRANSACTIONS);
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).warn(RETRYING, 239L, "t-2", 5,
                Errors.REQUEST_TIMED_OUT);
        assertEquals(List.of(TransactionRetryLogFilter.class.getName(), TransactionRetryLogFilter.PRODUCER_SENDER),
                lines.list.stream().map(ILoggingEvent::getLoggerName).toList());
    }

    @Test
    void otherProducerErrorsAndOtherBrokerRefusalsPass() {
        producerRetry(Errors.NOT_LEADER_OR_FOLLOWER);
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).warn("[Producer clientId=p] Got error produce"
                + " response in correlation id {} on topic-partition {}, splitting and retrying ({} attempts left)."
                + " Error: {}", 7L, "t-0", 3, Errors.MESSAGE_TOO_LARGE);
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).error("[Producer clientId=p] Uncaught error");
        brokerRefusal("Out of order sequence number for producer 7 at offset 9 in partition t-0: 51 (incoming seq."
                + " number), 49 (current end sequence number)");
        context.getLogger(TransactionRetryLogFilter.BROKER_REPLICA_MANAGER).error(BROKER_LINE,
                new IllegalStateException(TV2_REFUSAL));
        context.getLogger("org.apache.kafka.clients.producer.KafkaProducer").warn(RETRYING, 1L, "t-0", 5,
                Errors.CONCURRENT_TRANSACTIONS);
        context.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER).error(RETRYING, 1L, "t-0", 5,
                Errors.CONCURRENT_TRANSACTIONS);

        assertEquals(7, lines.list.size(), messages().toString());
        assertTrue(lines.list.stream().noneMatch(e -> e.getLoggerName().equals(
                TransactionRetryLogFilter.class.getName())), messages().toString());
    }

    @Test
    void modeEachLeavesKafkasLinesAsTheyAre() {
        filter.setMode("each");
        producerRetry(Errors.CONCURRENT_TRANSACTIONS);
        brokerRefusal(TV2_REFUSAL);
        assertEquals(List.of(TransactionRetryLogFilter.PRODUCER_SENDER,
                TransactionRetryLogFilter.BROKER_REPLICA_MANAGER), lines.list.stream()
                .map(ILoggingEvent::getLoggerName).toList());
    }

    @Test
    void modeAndIntervalAreChecked() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> filter.setMode("quiet"));
        assertEquals("STASHFLOW_KAFKA_RETRY_LOGS must be 'summary' or 'each', not 'quiet'", mode.getMessage());
        filter.setMode(" Summary ");
        assertThrows(IllegalArgumentException.class, () -> filter.setSummaryIntervalSeconds(0));
    }

    /** A logger context configured by the launcher's {@code logback.xml}, with {@code properties} set first. */
    private static LoggerContext launcher(Map<String, String> properties) throws Exception {
        LoggerContext launcher = new LoggerContext();
        properties.forEach(launcher::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(launcher);
        try (InputStream in = TransactionRetryLogFilterTest.class.getResourceAsStream("/logback.xml")) {
            configurator.doConfigure(in);
        }
        return launcher;
    }

    @Test
    void theLaunchersLogbackConfigurationInstallsTheFilter() throws Exception {
        LoggerContext launcher = launcher(Map.of());
        assertEquals(1, launcher.getTurboFilterList().size());
        assertTrue(launcher.getTurboFilterList().get(0) instanceof TransactionRetryLogFilter);
        assertTrue(launcher.getTurboFilterList().get(0).isStarted());
    }

    @Test
    void aBadModeInTheConfigurationIsReportedWithTheVariableAndTheValuesItTakes() throws Exception {
        LoggerContext launcher = launcher(Map.of("STASHFLOW_KAFKA_RETRY_LOGS", "quiet"));
        assertTrue(launcher.getStatusManager().getCopyOfStatusList().stream().anyMatch(status -> {
            for (Throwable t = status.getThrowable(); t != null; t = t.getCause()) {
                if ("STASHFLOW_KAFKA_RETRY_LOGS must be 'summary' or 'each', not 'quiet'".equals(t.getMessage())) {
                    return true;
                }
            }
            return false;
        }), launcher.getStatusManager().getCopyOfStatusList().toString());
    }

    /** Through Kafka's own logger wrapper, the way the producer's Sender logs. */
    @Test
    void kafkasLogContextWrapperReachesTheFilterWithTheErrorAsLastArgument() {
        LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger sender = global.getLogger(TransactionRetryLogFilter.PRODUCER_SENDER);
        Level before = sender.getLevel();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(global);
        seen.start();
        TransactionRetryLogFilter installed = new TransactionRetryLogFilter(now::get);
        installed.setContext(global);
        installed.start();
        sender.setLevel(Level.WARN);
        sender.addAppender(seen);
        global.addTurboFilter(installed);
        try {
            org.slf4j.Logger kafkaLogger = new LogContext("[Producer clientId=p, transactionalId=t] ")
                    .logger(TransactionRetryLogFilter.PRODUCER_SENDER);
            kafkaLogger.warn("Got error produce response with correlation id {} on topic-partition {}, retrying ({}"
                    + " attempts left). Error: {}", 1L, "t-0", 5, Errors.CONCURRENT_TRANSACTIONS);
            kafkaLogger.warn("Got error produce response with correlation id {} on topic-partition {}, retrying ({}"
                    + " attempts left). Error: {}", 2L, "t-0", 4, Errors.REQUEST_TIMED_OUT);
            assertEquals(List.of("[Producer clientId=p, transactionalId=t] Got error produce response with"
                    + " correlation id 2 on topic-partition t-0, retrying (4 attempts left). Error: REQUEST_TIMED_OUT"),
                    seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        } finally {
            global.getTurboFilterList().remove(installed);
            sender.detachAppender(seen);
            sender.setLevel(before);
        }
    }
}
