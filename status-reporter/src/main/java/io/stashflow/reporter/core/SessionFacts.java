package io.stashflow.reporter.core;

import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the reporter knows about one session: the request, every distinct step outcome (by
 * {@code outcomeId}), plan rejections, the conditions the reporter's own workers reported (metrics pushed,
 * deadline, agent silence, history), and whether a retry of the session was requested. The session's status is a
 * function of these facts
 * ({@link StatusProjector}); keeping facts rather than a folded status is what makes the result independent of the
 * order and duplication of the input.
 *
 * <p>Besides the facts it keeps what must be write-once (the phase and duration once final) and what was last
 * emitted, so the aggregation emits one record per change.
 */
public final class SessionFacts {

    /** Earliest first; the retry session's name (message) breaks ties, so the choice does not depend on arrival. */
    private static final Comparator<ReporterSignal> EARLIEST_RETRY = Comparator
            .comparing(ReporterSignal::getAt)
            .thenComparing(s -> s.getMessage() == null ? "" : s.getMessage());

    private final SessionKey key;
    private SessionRequested request;
    private final TreeMap<String, StepOutcome> outcomes = new TreeMap<>();
    private final TreeMap<String, PlanRejected> rejections = new TreeMap<>();
    private final TreeMap<String, ReporterSignal> signals = new TreeMap<>();
    private ReporterSignal retry;
    private String finalPhase;
    private String finalDuration;
    private SessionStatus lastStatus;
    private Instant deletedAt;
    private String lastRepositoryOutcomeId;
    private Instant pushRequestedAt;

    public SessionFacts(SessionKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    public SessionKey key() {
        return key;
    }

    /** @return whether this changed anything (a repeated request changes nothing) */
    public boolean addRequest(SessionRequested requested) {
        if (AvroValues.same(requested, request)) {
            return false;
        }
        if (request != null && request.getRequestedAt().isBefore(requested.getRequestedAt())) {
            // the same session requested twice (create-or-patch in Stash): its creation time is the first one
            return false;
        }
        request = requested;
        return true;
    }

    /** @return false for a duplicate (same outcomeId) */
    public boolean addOutcome(StepOutcome outcome) {
        return outcomes.putIfAbsent(outcome.getOutcomeId(), outcome) == null;
    }

    /** @return false for a duplicate */
    public boolean addRejection(PlanRejected rejected) {
        String id = (rejected.getTargetIndex() == null ? "-" : rejected.getTargetIndex().toString()) + "/"
                + rejected.getRejectedAt().toEpochMilli() + "/" + rejected.getReason().hashCode();
        return rejections.putIfAbsent(id, rejected) == null;
    }

    /**
     * Upserts a condition signal by condition type. A signal older than the one held is ignored, so a redelivered
     * "MetricsPushed=False" cannot overwrite a later "True". A RETRIED signal marks the session retried; of several,
     * the earliest counts (Stash's {@code retried} and {@code nextRetry} are write-once).
     *
     * @return whether this changed anything
     */
    public boolean addSignal(ReporterSignal signal) {
        if (signal.getKind() == SignalKind.RETRIED) {
            if (retry == null || EARLIEST_RETRY.compare(signal, retry) < 0) {
                retry = signal;
                return true;
            }
            return false;
        }
        if (signal.getKind() == SignalKind.DELETE) {
            if (deletedAt == null) {
                deletedAt = signal.getAt();
                return true;
            }
            return false;
        }
        String type = Objects.requireNonNull(signal.getConditionType(), "conditionType of a CONDITION signal");
        ReporterSignal held = signals.get(type);
        if (held != null && (AvroValues.same(held, signal) || held.getAt().isAfter(signal.getAt()))) {
            return false;
        }
        signals.put(type, signal);
        return true;
    }

    public SessionRequested request() {
        return request;
    }

    /** The RETRIED signal (a retry of this session was requested), or null. */
    public ReporterSignal retry() {
        return retry;
    }

    /**
     * Whether anything but a retry mark is known. A retry mark alone (it can overtake the session's own facts, which
     * travel on other partitions) says nothing about the session's phase, so it is kept but not reported.
     */
    public boolean knowsSession() {
        return request != null || !outcomes.isEmpty() || !rejections.isEmpty() || !signals.isEmpty()
                || lastStatus != null;
    }

    public Collection<StepOutcome> outcomes() {
        return outcomes.values();
    }

    public Collection<PlanRejected> rejections() {
        return rejections.values();
    }

    public Collection<ReporterSignal> signals() {
        return signals.values();
    }

    public boolean hasSignal(String conditionType) {
        return signals.containsKey(conditionType);
    }

    public String finalPhase() {
        return finalPhase;
    }

    public String finalDuration() {
        return finalDuration;
    }

    /** Freezes the phase and duration the first time the session is final (both write-once, as in Stash). */
    public void freeze(String phase, String duration) {
        if (finalPhase == null) {
            finalPhase = phase;
            finalDuration = duration;
        }
    }

    public SessionStatus lastStatus() {
        return lastStatus;
    }

    public void lastStatus(SessionStatus status) {
        this.lastStatus = status;
    }

    public Instant deletedAt() {
        return deletedAt;
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    public String lastRepositoryOutcomeId() {
        return lastRepositoryOutcomeId;
    }

    public void lastRepositoryOutcomeId(String outcomeId) {
        this.lastRepositoryOutcomeId = outcomeId;
    }

    /** When the session's metrics were handed to the pusher (and the scrape view), or null. */
    public Instant pushRequestedAt() {
        return pushRequestedAt;
    }

    public void pushRequestedAt(Instant at) {
        this.pushRequestedAt = at;
    }

    /**
     * Latest time among the facts about the session's work (the retry mark, which comes after the work, is left
     * out): what its duration counts to, deterministic for a given set of facts.
     */
    public Instant latestFactTime() {
        Instant latest = request == null ? Instant.EPOCH : request.getRequestedAt();
        for (StepOutcome o : outcomes.values()) {
            latest = max(latest, o.getObservedAt());
        }
        for (PlanRejected r : rejections.values()) {
            latest = max(latest, r.getRejectedAt());
        }
        for (ReporterSignal s : signals.values()) {
            latest = max(latest, s.getAt());
        }
        return latest;
    }

    /** Latest {@code observedAt} of any outcome: when the agent last reported. Empty without outcomes. */
    public java.util.Optional<Instant> lastOutcomeAt() {
        return outcomes.values().stream().map(StepOutcome::getObservedAt).max(Instant::compareTo);
    }

    private static Instant max(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }

    /** Fields for serialization by the store adapter. */
    public Snapshot snapshot() {
        List<ReporterSignal> allSignals = new ArrayList<>(signals.values());
        if (retry != null) {
            allSignals.add(retry); // stored among the signals: the store format stays the same
        }
        return new Snapshot(key, request, new ArrayList<>(outcomes.values()), new ArrayList<>(rejections.values()),
                allSignals, finalPhase, finalDuration, lastStatus, deletedAt,
                lastRepositoryOutcomeId, pushRequestedAt);
    }

    public static SessionFacts restore(Snapshot s) {
        SessionFacts facts = new SessionFacts(s.key());
        facts.request = s.request();
        s.outcomes().forEach(facts::addOutcome);
        s.rejections().forEach(facts::addRejection);
        for (ReporterSignal signal : s.signals()) {
            if (signal.getKind() == SignalKind.RETRIED) {
                facts.retry = signal;
            } else {
                facts.signals.put(signal.getConditionType(), signal);
            }
        }
        facts.finalPhase = s.finalPhase();
        facts.finalDuration = s.finalDuration();
        facts.lastStatus = s.lastStatus();
        facts.deletedAt = s.deletedAt();
        facts.lastRepositoryOutcomeId = s.lastRepositoryOutcomeId();
        facts.pushRequestedAt = s.pushRequestedAt();
        return facts;
    }

    /** The serializable content of {@link SessionFacts}. */
    public record Snapshot(SessionKey key, SessionRequested request, List<StepOutcome> outcomes,
                           List<PlanRejected> rejections, List<ReporterSignal> signals, String finalPhase,
                           String finalDuration, SessionStatus lastStatus, Instant deletedAt,
                           String lastRepositoryOutcomeId, Instant pushRequestedAt) {
    }

    /** For diagnostics: how many of each fact. */
    public Map<String, Integer> counts() {
        return Map.of("outcomes", outcomes.size(), "rejections", rejections.size(), "signals", signals.size());
    }
}
