package io.stashflow.executor.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stashflow.events.StepRole;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable state of one local run, {@code <run>/run.json}: what the plan is, which steps ran with what result, the
 * process of the current step, whether the run ended and whether its outcomes were reported. A restarted agent reads
 * it to report what happened and to stop steps it can no longer observe.
 *
 * <p>Mutable on purpose (one writer: the run's thread, or recovery before any thread starts); written atomically.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public PlanIdentity identity;
    public String uid;
    public String podName;
    public String namespace;
    public List<StepRecord> steps = new ArrayList<>();
    public Long currentPid;
    public String currentPidStart;
    public boolean ended;
    public boolean succeeded;
    public String endReason;
    public String finishedAt;
    public String reportedAt;

    /** One container's state. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class StepRecord {
        public String container;
        public int position;
        public String function;
        public StepRole role;
        public boolean fulfilledByReporter;
        public boolean init;
        /** STARTED, SUCCEEDED or FAILED; null when it never started. */
        public String state;
        public Integer exitCode;
        public String reason;
        public String message;
        /** The raw text the output was parsed from (termination message or output.json). */
        public String output;
        public String startedAt;
        public String finishedAt;

        public PlanStep toStep() {
            return new PlanStep(container, position, function, role, fulfilledByReporter, init);
        }

        static StepRecord of(PlanStep step) {
            StepRecord r = new StepRecord();
            r.container = step.containerName();
            r.position = step.position();
            r.function = step.functionName();
            r.role = step.role();
            r.fulfilledByReporter = step.fulfilledByReporter();
            r.init = step.init();
            return r;
        }
    }

    static RunRecord create(PlanIdentity identity, String uid, String namespace, String podName, List<PlanStep> steps) {
        RunRecord r = new RunRecord();
        r.identity = identity;
        r.uid = uid;
        r.namespace = namespace;
        r.podName = podName;
        steps.forEach(s -> r.steps.add(StepRecord.of(s)));
        return r;
    }

    public static RunRecord read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunRecord.class);
    }

    /** Writes to a temporary file and renames it, so a crash never leaves half a record. */
    public synchronized void write(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run record " + file, e);
        }
    }
}
