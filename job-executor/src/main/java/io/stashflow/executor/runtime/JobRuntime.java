package io.stashflow.executor.runtime;

import io.stashflow.events.JobPlanned;
import java.util.List;

/**
 * Where plans run: the port with a Kubernetes adapter (one pod per plan) and a local adapter (host processes).
 *
 * <p>Contract, checked by the shared contract test suite for every adapter:
 * <ul>
 *   <li>{@link #start} resumes observing every run the runtime still holds (after a crash or a restart) and reports
 *       what happened to them; events then flow to the listener;</li>
 *   <li>{@link #launch} is idempotent per plan: a second launch of the same plan (a redelivered record) adopts the
 *       existing run, never duplicates it; it returns once the run exists durably (the pod is created or the local
 *       run is recorded), so the caller may commit its input;</li>
 *   <li>steps run in order; a failing step stops the chain; each container is reported STARTED then SUCCEEDED or
 *       FAILED, with exit code, reason, termination message and parsed output;</li>
 *   <li>a run past its plan's deadline is stopped and its current step reported FAILED with reason
 *       {@code DeadlineExceeded}; {@link #cancel} does the same with reason {@code Cancelled};</li>
 *   <li>every run ends with {@link RunListener#onRunEnded}; it stays in {@link #inFlight} until {@link #release}.</li>
 * </ul>
 */
public interface JobRuntime extends AutoCloseable {

    /** {@code kubernetes} or {@code local}. */
    String kind();

    /** Starts observing (once), recovering the runs the runtime already holds. */
    void start(RunListener listener);

    /**
     * Creates the run for a plan, or adopts the existing one.
     *
     * @throws LaunchException when the run could not be created; {@link LaunchException#retriable()} says whether
     *                         trying again later can help
     */
    LaunchResult launch(JobPlanned plan) throws LaunchException;

    /** Stops a run: its current step is reported FAILED with reason {@code Cancelled}. Unknown plans are ignored. */
    void cancel(String planId, String message);

    /** Runs held: not ended, or ended and not released. */
    List<RunInfo> inFlight();

    /**
     * The outcomes of an ended run are durable: the runtime may forget it and clean up, keeping the invoker's last
     * {@code backupHistoryLimit} finished runs.
     */
    void release(String planId);

    /** Stops observing. Runs are left as they are where the runtime allows it (pods keep running). */
    @Override
    void close();
}
