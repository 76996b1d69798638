package io.stashflow.executor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.runtime.StepEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps every event a runtime reports and lets a test wait for one. */
public final class RecordingListener implements RunListener {

    private final List<StepEvent> steps = new ArrayList<>();
    private final List<RunEnded> ended = new ArrayList<>();

    @Override
    public synchronized void onStep(StepEvent event) {
        steps.add(event);
        notifyAll();
    }

    @Override
    public synchronized void onRunEnded(RunEnded e) {
        ended.add(e);
        notifyAll();
    }

    public synchronized List<StepEvent> steps(String planId) {
        return steps.stream().filter(s -> s.identity().planId().equals(planId)).toList();
    }

    /** "container:STATE" per event, in order, for compact assertions. */
    public synchronized List<String> trace(String planId) {
        return steps(planId).stream().map(s -> s.step().containerName() + ":" + s.state()).toList();
    }

    public synchronized List<RunEnded> ended(String planId) {
        return ended.stream().filter(e -> e.identity().planId().equals(planId)).toList();
    }

    public RunEnded awaitEnd(String planId, Duration timeout) {
        return await(() -> ended(planId).isEmpty() ? null : ended(planId).get(0), timeout,
                "the end of plan " + planId);
    }

    public StepEvent awaitStep(String planId, Predicate<StepEvent> matching, Duration timeout) {
        return await(() -> steps(planId).stream().filter(matching).findFirst().orElse(null), timeout,
                "a step event of plan " + planId);
    }

    public StepEvent awaitStarted(String planId, String container, Duration timeout) {
        return awaitStep(planId, e -> e.step().containerName().equals(container) && e.state() == StepState.STARTED,
                timeout);
    }

    private synchronized <T> T await(java.util.function.Supplier<T> probe, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        T value;
        while ((value = probe.get()) == null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                fail("timed out after " + timeout + " waiting for " + what + "; events so far: " + steps + " ended: " + ended);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        return value;
    }
}
