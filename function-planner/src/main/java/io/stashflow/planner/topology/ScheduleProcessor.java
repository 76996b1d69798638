package io.stashflow.planner.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupTarget;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.RetryConfig;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.lifecycle.RetryRule;
import io.stashflow.planner.lifecycle.SessionNames;
import io.stashflow.planner.resolver.StashResolver;
import io.stashflow.planner.schedule.CronSchedules;
import io.stashflow.planner.schedule.InvalidScheduleException;
import io.stashflow.planner.schedule.Schedule;
import io.stashflow.planner.schedule.TickPolicy;
import io.stashflow.service.logging.LogContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: the cron trigger Stash creates for every BackupConfiguration (and BackupBatch), as a Kafka Streams
 * processor over the definitions of the partitions its task owns.
 *
 * <p>Each BackupConfiguration/BackupBatch record updates the invoker's {@link ScheduleEntry}; a wall-clock
 * punctuator asks {@link TickPolicy} whether a tick is due and, if so, emits a {@code SessionRequested} named
 * {@code <invoker>-<unix seconds>} and stores the tick in the same exactly-once transaction. A tick therefore fires
 * once, also across restarts; two planner instances split the definitions' partitions and never fire the same
 * invoker's tick twice. A schedule that cannot be parsed goes to {@code stash.rejected} (stage
 * {@code scheduler.schedule}) once per change, and the invoker is not scheduled until it is fixed.
 */
final class ScheduleProcessor implements Processor<String, Definition, String, SchedulerOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleProcessor.class);
    static final String STAGE = "scheduler.schedule";
    private static final String STASH_GROUP = "stash.appscode.com";

    private final SchedulerTopology.Settings settings;
    private final PlannerListener listener;
    private final StashResourceReader reader = new StashResourceReader();
    private ProcessorContext<String, SchedulerOutput> context;
    private KeyValueStore<String, ScheduleEntry> store;
    /** Definition key → when its next tick is due (epoch ms); entries that never fire are absent. */
    private final Map<String, Long> nextDue = new HashMap<>();

    ScheduleProcessor(SchedulerTopology.Settings settings, PlannerListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, SchedulerOutput> context) {
        this.context = context;
        this.store = context.getStateStore(SchedulerTopology.SCHEDULES_STORE);
        try (KeyValueIterator<String, ScheduleEntry> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                track(entry.key, entry.value);
            }
        }
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    @Override
    public void process(Record<String, Definition> record) {
        RecordKeys.DefinitionParts parts;
        try {
            parts = RecordKeys.parseDefinition(record.key());
        } catch (IllegalArgumentException e) {
            return; // the planner's definitions view reports malformed keys
        }
        boolean batch = StashResolver.KIND_BACKUP_BATCH.equals(parts.kind());
        if (!batch && !StashResolver.KIND_BACKUP_CONFIGURATION.equals(parts.kind())
                || !settings.clusters().contains(parts.cluster())) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ScheduleEntry existing = store.get(record.key());
        if (record.value() == null) {
            if (existing != null) {
                store.delete(record.key());
                nextDue.remove(record.key());
                LOG.info("{} {}/{} deleted; no longer scheduled", parts.kind(), parts.namespace(), parts.name());
            }
            return;
        }
        try (LogContext ignored = LogContext.cluster(parts.cluster())) {
            Optional<ScheduleEntry> entry = entry(parts, record.value(), existing, now);
            if (entry.isEmpty()) {
                if (existing != null) {
                    store.delete(record.key());
                    nextDue.remove(record.key());
                }
                return;
            }
            store.put(record.key(), entry.get());
            track(record.key(), entry.get());
        }
    }

    /** The entry for a new version of a definition; empty when it has no schedule (manual triggers only). */
    private Optional<ScheduleEntry> entry(RecordKeys.DefinitionParts parts, Definition definition,
                                          ScheduleEntry existing, Instant now) {
        String label = parts.kind() + " " + parts.namespace() + "/" + parts.name();
        String source = definition.getSource() == null ? "stash.definitions" : definition.getSource();
        ParsedResource parsed;
        try {
            JsonNode document = StashResourceReader.jsonMapper().readTree(definition.getDocument());
            parsed = reader.readDocument(document, source);
        } catch (RuntimeException | java.io.IOException e) {
            return Optional.of(invalid(parts, existing, now, definition, label + " cannot be read, so it is not"
                    + " scheduled: " + e.getMessage()));
        }
        String schedule;
        boolean paused;
        Map<String, String> labels = new LinkedHashMap<>();
        ObjectMeta meta = parsed.resource().metadata();
        if (meta != null && meta.getLabels() != null) {
            labels.putAll(meta.getLabels());
        }
        BackupTarget target;
        RetryConfig retryConfig;
        if (parsed.resource() instanceof BackupConfiguration config && config.spec() != null) {
            schedule = config.spec().schedule();
            paused = Boolean.TRUE.equals(config.spec().paused());
            target = config.spec().target();
            retryConfig = config.spec().retryConfig();
        } else if (parsed.resource() instanceof BackupBatch batch && batch.spec() != null) {
            schedule = batch.spec().schedule();
            paused = Boolean.TRUE.equals(batch.spec().paused());
            // Stash labels a batch's sessions with its first member's target
            target = batch.spec().members().isEmpty() ? null : batch.spec().members().get(0).target();
            retryConfig = batch.spec().retryConfig();
        } else {
            return Optional.empty();
        }
        if (schedule == null || schedule.isBlank()) {
            return Optional.empty();
        }
        sessionLabels(labels, parts, target);
        boolean sameSchedule = existing != null && existing.kind().equals(parts.kind());
        long anchor = sameSchedule ? existing.anchorMillis() : now.toEpochMilli();
        Long lastTick = sameSchedule ? existing.lastTickMillis() : null;
        String problem = null;
        try {
            CronSchedules.parse(schedule, Instant.ofEpochMilli(anchor), settings.zone());
        } catch (InvalidScheduleException e) {
            problem = label + ": spec.schedule: " + e.getMessage() + ". The " + parts.kind()
                    + " is not scheduled until spec.schedule is fixed";
            boolean reported = existing != null && Objects.equals(existing.schedule(), schedule)
                    && existing.problem() != null;
            if (!reported) {
                emitRejected(parts, definition, problem, now);
            }
        }
        return Optional.of(new ScheduleEntry(parts.cluster(), parts.namespace(), parts.name(), parts.kind(), schedule,
                paused, labels, RetryRule.initialRetryLeft(retryConfig != null,
                        retryConfig == null ? null : retryConfig.maxRetry()), anchor, lastTick, problem));
    }

    private ScheduleEntry invalid(RecordKeys.DefinitionParts parts, ScheduleEntry existing, Instant now,
                                  Definition definition, String problem) {
        if (existing == null || !Objects.equals(existing.problem(), problem)) {
            emitRejected(parts, definition, problem, now);
        }
        return new ScheduleEntry(parts.cluster(), parts.namespace(), parts.name(), parts.kind(),
                existing == null ? null : existing.schedule(), false, Map.of(), 0,
                existing == null ? now.toEpochMilli() : existing.anchorMillis(),
                existing == null ? null : existing.lastTickMillis(), problem);
    }

    /** Stash's labels for scheduled sessions ({@code getSessionLabels}) on top of the invoker's own labels. */
    private static void sessionLabels(Map<String, String> labels, RecordKeys.DefinitionParts parts,
                                      BackupTarget target) {
        labels.put("app.kubernetes.io/component", "stash-backup");
        labels.put("app.kubernetes.io/managed-by", "stash.appscode.com");
        labels.put(StashResolver.LABEL_INVOKER_TYPE, parts.kind());
        labels.put(StashResolver.LABEL_INVOKER_NAME, parts.name());
        if (target != null && target.ref() != null) {
            labels.put("stash.appscode.com/target-kind", nullToEmpty(target.ref().kind()));
            labels.put("stash.appscode.com/target-name", nullToEmpty(target.ref().name()));
            labels.put("stash.appscode.com/target-namespace", nullToEmpty(target.ref().namespace()));
        }
    }

    private void emitRejected(RecordKeys.DefinitionParts parts, Definition definition, String problem, Instant now) {
        String key = RecordKeys.definition(parts.cluster(), parts.kind(), parts.namespace(), parts.name());
        Rejected rejected = Rejected.newBuilder()
                .setTopic(definition.getSource() == null ? settings.topics().definitions() : definition.getSource())
                .setKey(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(definition.getDocument().getBytes(StandardCharsets.UTF_8)))
                .setStage(STAGE)
                .setError(problem)
                .setRejectedAt(now)
                .build();
        context.forward(new Record<>(key, new SchedulerOutput(null, rejected), now.toEpochMilli(),
                OutputHeaders.of(settings.eventSource(), Rejected.class, key + "/" + STAGE + "/" + now.toEpochMilli(),
                        key, now)));
        listener.scheduleInvalid(parts.cluster());
        LOG.warn("{}", problem);
    }

    private void track(String key, ScheduleEntry entry) {
        Optional<Instant> due = dueOf(key, entry);
        if (due.isPresent()) {
            nextDue.put(key, due.get().toEpochMilli());
        } else {
            nextDue.remove(key);
        }
    }

    private Optional<Instant> dueOf(String key, ScheduleEntry entry) {
        if (entry.problem() != null || entry.schedule() == null) {
            return Optional.empty();
        }
        Schedule schedule = CronSchedules.parse(entry.schedule(), Instant.ofEpochMilli(entry.anchorMillis()),
                settings.zone());
        return TickPolicy.nextDue(key, schedule, settings.jitter(), state(entry));
    }

    private static TickPolicy.ScheduleState state(ScheduleEntry entry) {
        return new TickPolicy.ScheduleState(Instant.ofEpochMilli(entry.anchorMillis()),
                entry.lastTickMillis() == null ? null : Instant.ofEpochMilli(entry.lastTickMillis()));
    }

    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    private void punctuate(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        List<String> due = new ArrayList<>();
        nextDue.forEach((key, at) -> {
            if (at <= wallClockMillis) {
                due.add(key);
            }
        });
        due.sort(null);
        for (String key : due) {
            ScheduleEntry entry = store.get(key);
            if (entry == null) {
                nextDue.remove(key);
                continue;
            }
            try (LogContext ignored = LogContext.cluster(entry.cluster())) {
                fire(key, entry, now);
            } catch (org.apache.kafka.streams.errors.StreamsException e) {
                // the task's own trouble (migrated, fenced, transaction timed out): Streams must see it and revive
                // the task, which fires the due ticks again from the restored store; it is not this entry's fault
                throw e;
            } catch (RuntimeException e) {
                // one broken entry must not stop every other schedule of the task
                nextDue.remove(key);
                LOG.error("{} {}/{} cannot be scheduled and is left out until its definition changes", entry.kind(),
                        entry.namespace(), entry.name(), e);
            }
        }
    }

    private void fire(String key, ScheduleEntry entry, Instant now) {
        Schedule schedule = CronSchedules.parse(entry.schedule(), Instant.ofEpochMilli(entry.anchorMillis()),
                settings.zone());
        TickPolicy.Decision decision = TickPolicy.decide(key, schedule, settings.jitter(), state(entry),
                entry.paused(), now);
        ScheduleEntry updated = entry.withLastTick(decision.state().lastTick() == null ? null
                : decision.state().lastTick().toEpochMilli());
        if (decision.fire().isPresent()) {
            String sessionName = SessionNames.of(entry.name(), decision.fireAt().orElseThrow());
            SessionRequested request = SessionRequested.newBuilder()
                    .setCluster(entry.cluster())
                    .setNamespace(entry.namespace())
                    .setSessionName(sessionName)
                    .setKind(SessionKind.BACKUP)
                    .setInvoker(InvokerRef.newBuilder().setApiGroup(STASH_GROUP).setKind(entry.kind())
                            .setName(entry.name()).build())
                    .setRetryLeft(entry.retryLeft())
                    .setRequestedAt(now)
                    .setRequestedBy("scheduler")
                    .setLabels(new LinkedHashMap<>(entry.labels()))
                    .setRetryOf(null)
                    .build();
            String sessionKey = RecordKeys.of(entry.cluster(), entry.namespace(), sessionName);
            context.forward(new Record<>(sessionKey, new SchedulerOutput(request, null), now.toEpochMilli(),
                    OutputHeaders.of(settings.eventSource(), SessionRequested.class, sessionKey, sessionKey, now)));
            listener.scheduled(entry.cluster(), decision.dropped());
            if (decision.dropped() > 0) {
                LOG.info("{} {}/{}: tick {} fires as {}; {} earlier tick(s) were missed and are not run", entry.kind(),
                        entry.namespace(), entry.name(), decision.fire().get(), sessionName, decision.dropped());
            } else {
                LOG.info("{} {}/{}: tick {} fires as {}", entry.kind(), entry.namespace(), entry.name(),
                        decision.fire().get(), sessionName);
            }
        } else if (decision.dropped() > 0) {
            LOG.info("{} {}/{} is paused: {} tick(s) dropped", entry.kind(), entry.namespace(), entry.name(),
                    decision.dropped());
        }
        if (!updated.equals(entry)) {
            store.put(key, updated);
        }
        if (decision.nextCheckAt().isPresent()) {
            nextDue.put(key, decision.nextCheckAt().get().toEpochMilli());
        } else {
            nextDue.remove(key);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
