package io.stashflow.executor.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.stashflow.api.plan.PodPlanMapper;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.local.LocalStepPreparer.PreparedStep;
import io.stashflow.executor.local.RunRecord.StepRecord;
import io.stashflow.executor.outcome.StepOutcomes;
import io.stashflow.executor.outcome.StepOutputParser;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import io.stashflow.executor.runtime.HistoryPolicy;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.runtime.StepOutput;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a plan's containers as host processes: init steps in order, then the main step, each with the plan's command,
 * args, environment and working directory, mapped onto per-run directories by {@link LocalStepPreparer}.
 *
 * <p>Reported like the Kubernetes runtime: a container is STARTED when its process starts and SUCCEEDED/FAILED when it
 * exits, with the exit code, reason {@code Completed}/{@code Error}, and as message the content of its termination
 * message file, or — when that is empty and the step failed — the last 4 KiB of its output (what
 * {@code FallbackToLogsOnError} does; locally every container behaves so, as there is no {@code kubectl logs}).
 * Output is parsed from the termination message, else from the {@code output.json} the step wrote.
 *
 * <p>Durability: {@code <run>/run.json} records the run before {@link #launch} returns and after every step. A
 * restarted runtime reports every unreported run again; a step that was running when the agent died cannot be
 * re-attached (its exit code is lost), so its process tree is stopped and the step fails with reason
 * {@code ExecutorRestarted} — the session ends instead of hanging, and a retry can run it again.
 */
public final class LocalProcessRuntime implements JobRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessRuntime.class);
    private static final String RECORD = "run.json";
    private static final int MAX_MESSAGE = StepOutcomes.MAX_MESSAGE_BYTES;
    /** The full result the built-in update-status writes next to output.json. */
    private static final String UPDATE_STATUS_FILE = "update-status.json";

    private final LocalRuntimeSettings settings;
    private final Clock clock;
    private final LocalStepPreparer preparer;
    private final ExecutorService runThreads;
    private final Map<String, LocalRun> runs = new ConcurrentHashMap<>();
    private final Map<String, List<HistoryEntry>> history = new HashMap<>();
    private final Object listenerLock = new Object();
    private volatile RunListener listener;
    private volatile boolean abandoned;
    private volatile boolean closing;

    private record HistoryEntry(Path dir, Instant finishedAt) {
    }

    public LocalProcessRuntime(LocalRuntimeSettings settings, Clock clock) {
        this(settings, clock, System.getenv());
    }

    public LocalProcessRuntime(LocalRuntimeSettings settings, Clock clock, Map<String, String> hostEnv) {
        this.settings = settings;
        this.clock = clock;
        this.preparer = new LocalStepPreparer(settings.secrets(), settings.entrypoints(), settings.tools(), hostEnv);
        this.runThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-run");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public synchronized void start(RunListener runListener) {
        if (listener != null) {
            throw new IllegalStateException("the local runtime in " + settings.workDir() + " is already started");
        }
        listener = runListener;
        mkdirs(settings.runsDir());
        mkdirs(settings.claimsDir());
        List<Path> records;
        try (Stream<Path> files = Files.find(settings.runsDir(), 3,
                (p, a) -> p.getFileName().toString().equals(RECORD) && a.isRegularFile())) {
            records = files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan the local runs in " + settings.runsDir(), e);
        }
        int resumed = 0;
        for (Path file : records) {
            RunRecord record;
            try {
                record = RunRecord.read(file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable run record {}: {}", file, e.getMessage());
                continue;
            }
            if (record.reportedAt != null) {
                addHistory(record, file.getParent());
                continue;
            }
            LocalRun run = new LocalRun(record, file.getParent(), null);
            runs.put(record.identity.planId(), run);
            if (!record.ended) {
                stopOrphan(run);
            }
            replay(run);
            resumed++;
        }
        LOG.info("local runtime in {}: {} runs recovered", settings.workDir(), resumed);
    }

    // ------------------------------------------------------------------------------------------------------------
    // launch

    @Override
    public synchronized LaunchResult launch(JobPlanned plan) throws LaunchException {
        if (listener == null) {
            throw new IllegalStateException("start the local runtime before launching plans");
        }
        LocalRun known = runs.get(plan.getPlanId());
        if (known != null) {
            return new LaunchResult(LaunchResult.Outcome.ADOPTED, known.record.podName, known.record.uid);
        }
        String namespace = plan.getPod().getNamespace();
        String podName = plan.getPod().getName();
        Path dir = settings.runsDir().resolve(namespace).resolve(podName);
        Path file = dir.resolve(RECORD);
        if (Files.exists(file)) {
            RunRecord existing;
            try {
                existing = RunRecord.read(file);
            } catch (IOException e) {
                throw new LaunchException("run record " + file + " exists but cannot be read: " + e.getMessage()
                        + "; remove the directory " + dir + " to run plan " + plan.getPlanId() + " again", false, e);
            }
            if (!existing.identity.planId().equals(plan.getPlanId())) {
                throw new LaunchException("local run " + dir + " already exists for plan " + existing.identity.planId()
                        + ", not " + plan.getPlanId() + "; remove that directory or use another session name", false, null);
            }
            if (existing.reportedAt != null) {
                return new LaunchResult(LaunchResult.Outcome.ALREADY_REPORTED, podName, existing.uid);
            }
            LocalRun adopted = new LocalRun(existing, dir, null);
            runs.put(plan.getPlanId(), adopted);
            if (!existing.ended) {
                stopOrphan(adopted);
            }
            replay(adopted);
            return new LaunchResult(LaunchResult.Outcome.ADOPTED, podName, existing.uid);
        }
        Pod pod;
        try {
            pod = PodPlanMapper.toPod(plan.getPod());
        } catch (RuntimeException e) {
            throw new LaunchException("plan " + plan.getPlanId() + " cannot become a local run: " + e.getMessage(),
                    false, e);
        }
        PlanIdentity identity = PlanIdentity.of(plan, 1);
        RunRecord record = RunRecord.create(identity, UUID.randomUUID().toString(), namespace, podName,
                PlanStep.of(plan.getPod()));
        mkdirs(dir);
        record.write(file);
        LocalRun run = new LocalRun(record, dir, pod);
        runs.put(plan.getPlanId(), run);
        runThreads.execute(() -> execute(run));
        LOG.info("started local run {} for plan {}", dir, plan.getPlanId());
        return new LaunchResult(LaunchResult.Outcome.CREATED, podName, record.uid);
    }

    // ------------------------------------------------------------------------------------------------------------
    // running

    private void execute(LocalRun run) {
        MDC.put("cluster", run.record.identity.cluster());
        MDC.put("session", run.record.namespace + "/" + run.record.identity.sessionName());
        try {
            for (StepRecord step : run.record.steps) {
                MDC.put("step", step.container);
                if (!runStep(run, step)) {
                    return;
                }
            }
            end(run, true, "Completed");
        } catch (RuntimeException e) {
            if (!abandoned) {
                LOG.error("local run {} failed unexpectedly", run.dir, e);
                StepRecord current = run.currentStep();
                failWithoutStart(run, current, "ExecutorError", "the local runtime failed: " + e);
                end(run, false, "ExecutorError");
            }
        } finally {
            MDC.remove("cluster");
            MDC.remove("session");
            MDC.remove("step");
        }
    }

    /** Runs one step; false when the run is over (failed, stopped or abandoned). */
    private boolean runStep(LocalRun run, StepRecord step) {
        Instant deadline = run.record.identity.deadline();
        if (run.stopReason != null) {
            failWithoutStart(run, step, run.stopReason, run.stopMessage);
            end(run, false, run.stopReason);
            return false;
        }
        if (deadline != null && !clock.instant().isBefore(deadline)) {
            failWithoutStart(run, step, "DeadlineExceeded", "the session deadline " + deadline + " passed before"
                    + " container " + step.container + " started");
            end(run, false, "DeadlineExceeded");
            return false;
        }
        Container container = run.container(step.container);
        PreparedStep prepared;
        try {
            prepared = preparer.prepare(run.pod, container, run.dir, settings.claimsDir(), run.record.uid);
        } catch (StepSetupException e) {
            failWithoutStart(run, step, e.reason(), e.getMessage());
            end(run, false, e.reason());
            return false;
        }
        prepared.warnings().forEach(w -> LOG.warn("container {}: {}", step.container, w));
        deleteQuietly(prepared.terminationFile());
        Instant started = clock.instant();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(prepared.argv())
                    .directory(prepared.workingDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(prepared.logFile().toFile()));
            builder.environment().clear();
            builder.environment().putAll(prepared.env());
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            failWithoutStart(run, step, "StartError", "container " + step.container + ": cannot start "
                    + prepared.argv().get(0) + ": " + e.getMessage());
            end(run, false, "StartError");
            return false;
        }
        synchronized (run) {
            step.state = StepState.STARTED.name();
            step.startedAt = started.toString();
            run.record.currentPid = process.pid();
            run.record.currentPidStart = process.info().startInstant().map(Instant::toString).orElse(null);
            run.record.write(run.file());
        }
        emitStep(run, step, StepState.STARTED);
        LOG.info("container {} started: pid {}, {}", step.container, process.pid(), prepared.argv().get(0));

        if (!waitFor(run, process, deadline)) {
            return false; // abandoned: leave everything as a killed agent would
        }
        int exit = process.exitValue();
        if (abandoned) {
            return false;
        }
        Instant finished = clock.instant();
        String message = terminationMessage(prepared, exit);
        String outputText = outputText(message, prepared, started);
        boolean ok = exit == 0 && run.stopReason == null;
        synchronized (run) {
            step.state = ok ? StepState.SUCCEEDED.name() : StepState.FAILED.name();
            step.exitCode = exit;
            step.reason = run.stopReason != null ? run.stopReason : exit == 0 ? "Completed" : "Error";
            step.message = run.stopReason != null ? join(run.stopMessage, message) : message;
            step.output = outputText;
            step.finishedAt = finished.toString();
            run.record.currentPid = null;
            run.record.currentPidStart = null;
            run.record.write(run.file());
        }
        emitStep(run, step, ok ? StepState.SUCCEEDED : StepState.FAILED);
        if (!ok) {
            end(run, false, step.reason);
            return false;
        }
        return true;
    }

    /** Waits for the process, stopping it at the deadline; false when the runtime was abandoned meanwhile. */
    private boolean waitFor(LocalRun run, Process process, Instant deadline) {
        boolean killRequested = false;
        while (true) {
            if (abandoned) {
                return false;
            }
            try {
                long waitMillis = 200;
                if (deadline != null) {
                    long remaining = Duration.between(clock.instant(), deadline).toMillis();
                    if (remaining <= 0 && run.stopReason == null) {
                        stop(run, "DeadlineExceeded", "the session deadline " + deadline + " passed while container "
                                + run.currentStep().container + " was running; its process tree was stopped");
                    }
                    waitMillis = Math.max(1, Math.min(waitMillis, remaining));
                }
                if (run.stopReason != null && !killRequested) {
                    killRequested = true;
                    killTree(process.toHandle(), settings.killGrace());
                    continue;
                }
                if (process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                    return !abandoned;
                }
            } catch (InterruptedException e) {
                if (abandoned) {
                    return false;
                }
                // interrupted by close(): the process is being stopped; keep waiting for it to go
            }
        }
    }

    private String terminationMessage(PreparedStep prepared, int exit) {
        String fromFile = readHead(prepared.terminationFile(), MAX_MESSAGE);
        if (fromFile != null && !fromFile.isBlank()) {
            return fromFile;
        }
        if (exit != 0) {
            String tail = readTail(prepared.logFile(), MAX_MESSAGE);
            return tail == null || tail.isBlank() ? null : tail;
        }
        return null;
    }

    /**
     * The text the step's output is parsed from: its termination message, unless that says nothing parseable or was
     * shortened — then the full {@code update-status.json} or the {@code output.json} the step wrote.
     */
    private static String outputText(String message, PreparedStep prepared, Instant started) {
        StepOutput fromMessage = StepOutputParser.parse(message);
        if (!fromMessage.isEmpty() && !fromMessage.truncated()) {
            return message;
        }
        if (prepared.outputFile() != null) {
            for (Path file : List.of(prepared.outputFile().resolveSibling(UPDATE_STATUS_FILE), prepared.outputFile())) {
                String text = outputFileWrittenSince(file, started);
                if (text != null && !StepOutputParser.parse(text).isEmpty()) {
                    return text;
                }
            }
        }
        return message;
    }

    private static String outputFileWrittenSince(Path file, Instant since) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            // file systems keep whole seconds at worst
            if (modified.toInstant().isBefore(since.minusSeconds(1))) {
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void failWithoutStart(LocalRun run, StepRecord step, String reason, String message) {
        synchronized (run) {
            step.state = StepState.FAILED.name();
            step.reason = reason;
            step.message = message;
            step.finishedAt = clock.instant().toString();
            run.record.write(run.file());
        }
        LOG.warn("container {} failed: {}: {}", step.container, reason, message);
        emitStep(run, step, StepState.FAILED);
    }

    private void end(LocalRun run, boolean succeeded, String reason) {
        synchronized (run) {
            run.record.ended = true;
            run.record.succeeded = succeeded;
            run.record.endReason = reason;
            run.record.finishedAt = clock.instant().toString();
            run.record.write(run.file());
        }
        LOG.info("local run {} ended: {}", run.dir, succeeded ? "succeeded" : "failed (" + reason + ")");
        emitEnd(run);
    }

    // ------------------------------------------------------------------------------------------------------------
    // stopping

    @Override
    public void cancel(String planId, String message) {
        LocalRun run = runs.get(planId);
        if (run == null || run.record.ended) {
            return;
        }
        stop(run, "Cancelled", message == null ? "the run was cancelled" : message);
    }

    /**
     * Marks the run stopped. The run's own thread notices within its wait slice and stops the current process tree
     * (SIGTERM, SIGKILL after the grace period), or does not start the next step.
     */
    private void stop(LocalRun run, String reason, String message) {
        synchronized (run) {
            if (run.stopReason != null) {
                return;
            }
            run.stopReason = reason;
            run.stopMessage = message;
        }
    }

    /** Stops a process and all its descendants: TERM to all, then KILL to whatever is left after the grace period. */
    static void killTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(0, root);
        tree.forEach(ProcessHandle::destroy);
        try {
            root.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // still alive after the grace period: forced below
        }
        List<ProcessHandle> left = new ArrayList<>(tree);
        left.addAll(root.descendants().toList());
        left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** A run found unfinished at start: its step's process (if it still lives) is stopped and the step fails. */
    private void stopOrphan(LocalRun run) {
        RunRecord record = run.record;
        StepRecord current = run.currentStep();
        String detail = "";
        if (record.currentPid != null) {
            Optional<ProcessHandle> handle = ProcessHandle.of(record.currentPid);
            boolean same = handle.isPresent() && handle.get().isAlive() && record.currentPidStart != null
                    && handle.get().info().startInstant().map(i -> i.toString().equals(record.currentPidStart)).orElse(false);
            if (same) {
                killTree(handle.get(), settings.killGrace());
                detail = " (pid " + record.currentPid + " was still running and has been stopped)";
            }
        }
        current.state = StepState.FAILED.name();
        current.reason = "ExecutorRestarted";
        current.message = "the local runtime restarted while container " + current.container + " was running"
                + detail + "; a local step cannot be re-attached, so the session is failed and can be retried";
        current.finishedAt = clock.instant().toString();
        record.currentPid = null;
        record.currentPidStart = null;
        record.ended = true;
        record.succeeded = false;
        record.endReason = "ExecutorRestarted";
        record.finishedAt = clock.instant().toString();
        record.write(run.file());
        LOG.warn("local run {}: {}", run.dir, current.message);
    }

    // ------------------------------------------------------------------------------------------------------------
    // reporting

    private void replay(LocalRun run) {
        for (StepRecord step : run.record.steps) {
            if (step.state == null) {
                continue;
            }
            if (step.startedAt != null) {
                emitStep(run, step, StepState.STARTED);
            }
            if (!StepState.STARTED.name().equals(step.state)) {
                emitStep(run, step, StepState.valueOf(step.state));
            }
        }
        if (run.record.ended) {
            emitEnd(run);
        }
    }

    private void emitStep(LocalRun run, StepRecord step, StepState state) {
        boolean terminal = state != StepState.STARTED;
        StepEvent event = new StepEvent(run.record.identity, run.record.podName, run.record.uid, step.toStep(), state,
                terminal ? step.exitCode : null, terminal ? step.reason : null, terminal ? step.message : null,
                parse(step.startedAt), terminal ? parse(step.finishedAt) : null,
                terminal ? StepOutputParser.parse(step.output) : StepOutput.NONE);
        synchronized (listenerLock) {
            try {
                listener.onStep(event);
            } catch (RuntimeException e) {
                LOG.error("the listener failed on a step event of {}", run.dir, e);
            }
        }
    }

    private void emitEnd(LocalRun run) {
        RunRecord r = run.record;
        synchronized (listenerLock) {
            try {
                listener.onRunEnded(new RunEnded(r.identity, r.podName, r.uid, r.succeeded, r.endReason));
            } catch (RuntimeException e) {
                LOG.error("the listener failed on the end of {}", run.dir, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // release, history, in flight

    @Override
    public void release(String planId) {
        LocalRun run = runs.get(planId);
        if (run == null) {
            return;
        }
        if (!run.record.ended) {
            LOG.warn("release of plan {} ignored: local run {} is still running", planId, run.dir);
            return;
        }
        runs.remove(planId);
        synchronized (run) {
            run.record.reportedAt = clock.instant().toString();
            run.record.write(run.file());
        }
        List<Path> delete;
        synchronized (history) {
            List<HistoryEntry> entries = addHistory(run.record, run.dir);
            Map<String, HistoryEntry> byId = new HashMap<>();
            List<HistoryPolicy.FinishedRun> finished = new ArrayList<>();
            for (HistoryEntry e : entries) {
                byId.put(e.dir.toString(), e);
                finished.add(new HistoryPolicy.FinishedRun(e.dir.toString(), e.finishedAt));
            }
            List<String> ids = HistoryPolicy.toDelete(finished, run.record.identity.historyLimit());
            delete = ids.stream().map(id -> byId.get(id).dir).toList();
            entries.removeIf(e -> ids.contains(e.dir.toString()));
        }
        for (Path dir : delete) {
            deleteTree(dir);
            LOG.info("deleted finished local run {} (history limit {})", dir, run.record.identity.historyLimit());
        }
    }

    private List<HistoryEntry> addHistory(RunRecord record, Path dir) {
        synchronized (history) {
            List<HistoryEntry> entries = history.computeIfAbsent(record.identity.invokerKey(), k -> new ArrayList<>());
            entries.add(new HistoryEntry(dir, parse(record.finishedAt)));
            return entries;
        }
    }

    @Override
    public List<RunInfo> inFlight() {
        return runs.values().stream()
                .map(r -> new RunInfo(r.record.identity, r.record.podName, r.record.uid, r.record.ended))
                .toList();
    }

    /**
     * Stops observing without touching anything, as a killed JVM would: processes keep running and run records stay
     * as they are. For the crash drills of the tests; a real shutdown uses {@link #close()}.
     */
    public void abandon() {
        abandoned = true;
        runThreads.shutdownNow();
    }

    /** Stops every running step (reported FAILED with reason {@code ExecutorStopped}) and waits for the run threads. */
    @Override
    public void close() {
        if (abandoned || closing) {
            return;
        }
        closing = true;
        for (LocalRun run : runs.values()) {
            if (!run.record.ended) {
                stop(run, "ExecutorStopped", "the local runtime stopped while the step ran");
            }
        }
        runThreads.shutdown();
        try {
            if (!runThreads.awaitTermination(settings.killGrace().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                runThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runThreads.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    private static String join(String a, String b) {
        if (b == null || b.isBlank()) {
            return a;
        }
        return a + "\n" + b;
    }

    private static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }

    static String readHead(Path file, int maxBytes) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            int n = (int) Math.min(raf.length(), maxBytes);
            byte[] bytes = new byte[n];
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    static String readTail(Path file, int maxBytes) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int n = (int) Math.min(length, maxBytes);
            raf.seek(length - n);
            byte[] bytes = new byte[n];
            raf.readFully(bytes);
            int start = 0;
            while (start < n && (bytes[start] & 0xC0) == 0x80) {
                start++; // do not begin in the middle of a UTF-8 character
            }
            return new String(bytes, start, n - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(LocalProcessRuntime::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
    }

    /** One run held by the runtime. */
    private static final class LocalRun {
        final RunRecord record;
        final Path dir;
        final Pod pod;
        volatile String stopReason;
        volatile String stopMessage;

        LocalRun(RunRecord record, Path dir, Pod pod) {
            this.record = record;
            this.dir = dir;
            this.pod = pod;
        }

        Path file() {
            return dir.resolve(RECORD);
        }

        Container container(String name) {
            List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
            all.addAll(pod.getSpec().getContainers());
            return all.stream().filter(c -> c.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no container " + name + " in the plan of " + dir));
        }

        StepRecord currentStep() {
            for (StepRecord s : record.steps) {
                if (!StepState.SUCCEEDED.name().equals(s.state)) {
                    return s;
                }
            }
            return record.steps.get(record.steps.size() - 1);
        }
    }
}
