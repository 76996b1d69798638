package io.stashflow.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepState;
import io.stashflow.reliability.FaultStack.Stream;
import io.stashflow.standalone.SessionWatcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at every entry point of the standalone stack: the topics each service reads, the definitions directory,
 * the definitions themselves (what the resolver makes of them) and what steps give back. Each ends in
 * {@code stash.rejected} with its bytes and a readable reason, or in a Failed session saying why, and after each one
 * a good session runs end to end (planned, run, reported): every service kept running.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputMatrixTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A schema id no registry of this stack handed out. */
    private static final byte[] UNKNOWN_SCHEMA_ID = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4, 6};

    private final Stream good = new Stream("ok", 20, 0.1);
    private final AtomicInteger nextGood = new AtomicInteger();
    private Path pwned;
    private FaultStack fx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pwned = Files.createDirectories(dir.resolve("pwned"));
        fx = FaultStack.start(dir, List.of(good), badDefinitions(dir.resolve("effects"), pwned),
                UnaryOperator.identity());
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** After every case: a good session goes through planner, executor and reporter. */
    @AfterEach
    void everyServiceStillWorks() {
        int i = nextGood.getAndIncrement();
        String session = fx.requestBackup(good.invoker(i), good.session(i));
        SessionStatus status = fx.awaitFinal(List.of(session), WAIT).get(session);
        assertEquals("Succeeded", status.getPhase(), "the good session after the bad input: " + status);
        assertEquals(List.of("a", "b"), fx.effects(session));
    }

    // ------------------------------------------------------------------------------------------------------------
    // records that cannot be decoded, on every topic a service reads

    @Test
    void undecodableBytesOnEveryInputTopicAreRejectedWithTheirBytes() {
        for (Map.Entry<String, List<String>> input : inputTopics().entrySet()) {
            byte[] garbage = ("{\"not\":\"avro\",\"topic\":\"" + input.getKey() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            String key = "garbage/" + input.getKey();
            fx.produceRaw(input.getKey(), key, garbage);
            for (String stage : input.getValue()) {
                Rejected r = fx.awaitRejected(stage + " of " + key, hasKey(key, stage), WAIT);
                assertEquals(input.getKey(), r.getTopic());
                assertArrayEquals(garbage, bytes(r.getValue()), "the original bytes are kept");
                assertTrue(r.getError().contains("magic byte"), "a readable reason: " + r.getError());
            }
        }
    }

    @Test
    void aSchemaIdNoRegistryKnowsIsRejectedNamingTheId() {
        for (Map.Entry<String, List<String>> input : inputTopics().entrySet()) {
            String key = "unknown-id/" + input.getKey();
            fx.produceRaw(input.getKey(), key, UNKNOWN_SCHEMA_ID);
            for (String stage : input.getValue()) {
                Rejected r = fx.awaitRejected(stage + " of " + key, hasKey(key, stage), WAIT);
                assertTrue(r.getError().contains(Integer.toString(0x7ffffff0)), "names the id: " + r.getError());
            }
        }
    }

    @Test
    void aRecordWrittenWithAnotherEventsSchemaIsRejected() {
        // a well-formed record with a real schema id of this registry, but of another event than the topic carries
        byte[] foreign = ConfluentAvroSerde.forValues(fx.stack.registry(), Rejected.class).serialize(
                fx.topics.rejected(), Rejections.ofSource("test", new byte[] {1}, "test", "a rejection",
                        java.time.Clock.systemUTC()));
        for (Map.Entry<String, List<String>> input : inputTopics().entrySet()) {
            String key = "foreign-schema/" + input.getKey();
            fx.produceRaw(input.getKey(), key, foreign);
            for (String stage : input.getValue()) {
                Rejected r = fx.awaitRejected(stage + " of " + key, hasKey(key, stage), WAIT);
                assertTrue(r.getError().contains("writer schema id"), "says the schema does not fit: "
                        + r.getError());
            }
        }
    }

    @Test
    void anEnormousUndecodableRecordIsRejectedWithItsBeginning() throws Exception {
        // an operator raised the topic's record limit; the rejection of such a record must still fit in one
        String sessions = fx.topics.sessions();
        try (Admin admin = fx.admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, sessions), List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "4194304"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] enormous = new byte[2 * 1024 * 1024];
        Arrays.fill(enormous, (byte) '{');
        fx.produceRaw(sessions, "enormous/record", enormous);
        Rejected r = fx.awaitRejected("of the enormous record", hasKey("enormous/record", "planner.decode"), WAIT);
        assertEquals(Rejections.MAX_KEPT_BYTES, bytes(r.getValue()).length);
        assertTrue(r.getError().contains("the first 262144 of 2097152 bytes are kept"), r.getError());
    }

    // ------------------------------------------------------------------------------------------------------------
    // requests and definitions the planner cannot turn into a pod

    @Test
    void aSessionOfAnUnknownConfigurationFailsNamingIt() {
        String session = fx.requestBackup("no-such-configuration", "no-such-configuration-run");
        SessionStatus status = fx.awaitFinal(List.of(session), WAIT).get(session);
        assertEquals("Failed", status.getPhase());
        String reasons = reasons(status);
        assertTrue(reasons.contains("BackupConfiguration faults/no-such-configuration")
                && reasons.contains("not among the definitions"), "the reason names it: " + reasons);
        assertEquals(0, fx.plans(List.of(session)).get(session), "nothing was planned");
    }

    @Test
    void aFunctionWithAnUnresolvableVariableFailsItsSessionNamingTheVariable() {
        assertFailsWith("bad-variable", "input/default value not found for key NO_SUCH_VARIABLE");
    }

    @Test
    void aSelfReferencingDefaultFailsInsteadOfLooping() {
        assertFailsWith("bad-self", "input/default value not found for key SELF_REFERENCE");
    }

    @Test
    void aCyclicDefaultFailsInsteadOfLooping() {
        assertFailsWith("bad-cycle", "input/default value not found for key CYCLE_A");
    }

    private void assertFailsWith(String invoker, String reason) {
        String session = fx.requestBackup(invoker, invoker + "-run");
        SessionStatus status = fx.awaitFinal(List.of(session), WAIT).get(session);
        assertEquals("Failed", status.getPhase());
        assertTrue(reasons(status).contains(reason), "the reason is given: " + reasons(status));
        assertEquals(0, fx.plans(List.of(session)).get(session), "nothing was planned");
        assertEquals(List.of(), fx.effects(session), "nothing ran");
    }

    @Test
    void aMalformedYamlDefinitionIsRejectedWithTheFileAndLine() throws Exception {
        Path file = fx.definitions.resolve("malformed.yaml");
        String text = """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: broken
                spec:
                  image: [unclosed
                """;
        Files.writeString(file, text);
        Rejected r = fx.awaitRejected("of " + file, x -> x.getStage().equals("definitions.parse")
                && x.getTopic().equals(file.toString()), WAIT);
        assertTrue(r.getError().contains("line "), "says where: " + r.getError());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes(r.getValue()));
    }

    @Test
    void anEnormousDefinitionDocumentIsRejectedAndTheDirectoryGoesOn() throws Exception {
        // 1.5 MB: valid YAML, but more than a Kafka record carries
        Path large = fx.definitions.resolve("large.yaml");
        Files.writeString(large, function("too-large", "x".repeat(1_500_000)));
        // 4 MB: more than the YAML reader takes at all
        Path huge = fx.definitions.resolve("huge.yaml");
        Files.writeString(huge, function("too-huge", "y".repeat(4_000_000)));

        Rejected tooLarge = fx.awaitRejected("of " + large, x -> x.getTopic().equals(large.toString()), WAIT);
        assertEquals("definitions.parse", tooLarge.getStage());
        assertTrue(tooLarge.getError().contains("Function too-large is ")
                && tooLarge.getError().contains("more than the 262144 a definition may have"), tooLarge.getError());
        Rejected tooHuge = fx.awaitRejected("of " + huge, x -> x.getTopic().equals(huge.toString()), WAIT);
        assertTrue(tooHuge.getError().contains("bytes are kept"), tooHuge.getError());
        assertEquals(Rejections.MAX_KEPT_BYTES, bytes(tooHuge.getValue()).length);
        // each is reported once, not again at every poll of the directory
        FaultStack.pause(3_000);
        assertEquals(1, fx.rejected().stream().filter(x -> x.getTopic().equals(large.toString())).count());
        assertEquals(1, fx.rejected().stream().filter(x -> x.getTopic().equals(huge.toString())).count());
        Files.delete(large);
        Files.delete(huge);
    }

    // ------------------------------------------------------------------------------------------------------------
    // what steps get and give back

    @Test
    void aStepOutputThatIsNotJsonFailsTheSessionAtUpdateStatus() {
        String session = fx.requestBackup("bad-output", "bad-output-run");
        SessionStatus status = fx.awaitFinal(List.of(session), Duration.ofSeconds(120)).get(session);
        assertEquals("Failed", status.getPhase(), status.toString());
        StepOutcome updateStatus = fx.outcomes(session).stream()
                .filter(o -> o.getContainerName().startsWith("update-status") && o.getState() == StepState.FAILED)
                .findFirst().orElseThrow(() -> new AssertionError("update-status did not fail: "
                        + fx.outcomes(session)));
        assertTrue(updateStatus.getMessage() != null && updateStatus.getMessage().contains("output.json"),
                "the reason names the step output: " + updateStatus.getMessage());
    }

    @Test
    void shellMetacharactersInArgumentsReachTheProcessVerbatim() throws Exception {
        String session = fx.requestBackup("bad-args", "bad-args-run");
        SessionStatus status = fx.awaitFinal(List.of(session), WAIT).get(session);
        assertEquals("Succeeded", status.getPhase(), status.toString());
        List<String> received = Files.readAllLines(fx.effects.resolve(session + ".args"));
        assertEquals(List.of(
                "; touch " + pwned + "/semicolon",
                "$(touch " + pwned + "/dollar)",
                "`touch " + pwned + "/backtick`",
                "&& touch " + pwned + "/and",
                "| touch " + pwned + "/pipe",
                "> " + pwned + "/redirect",
                "$(id)",
                "*",
                "it's \"quoted\" \\ and spaced",
                "; touch " + pwned + "/from-a-param"), received, "one argument each, as written");
        try (var created = Files.list(pwned)) {
            assertEquals(List.of(), created.toList(), "no shell ran any of them");
        }
    }

    @Test
    void shellMetacharactersInAnImageNameRunNothing() throws Exception {
        String session = fx.requestBackup("bad-image", "bad-image-run");
        SessionStatus status = fx.awaitFinal(List.of(session), WAIT).get(session);
        assertEquals("Failed", status.getPhase(), status.toString());
        assertTrue(status.toString().contains("UnmappedImage"), "the reason names the image problem: " + status);
        try (var created = Files.list(pwned)) {
            assertEquals(List.of(), created.toList(), "no shell ran the image name");
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * Every topic a service of the stack reads, with the stages that reject what they cannot decode: the planner's
     * and the reporter's Streams applications, the scheduler's, and the executor's consumer. The definitions are read
     * three times, twice by a global store's thread.
     */
    private Map<String, List<String>> inputTopics() {
        return Map.of(
                fx.topics.sessions(), List.of("planner.decode", "reporter.decode"),
                fx.topics.sessionStatus(), List.of("planner.decode"),
                fx.topics.definitions(), List.of("planner.decode", "scheduler.decode", "reporter.decode"),
                fx.topics.jobs(FaultStack.CLUSTER), List.of("job-executor"),
                fx.topics.stepOutcomes(), List.of("reporter.decode"),
                fx.topics.planRejections(), List.of("reporter.decode"));
    }

    /** The conditions of a status that say why it failed. */
    private static String reasons(SessionStatus status) {
        return String.join("\n", SessionWatcher.explain(status));
    }

    private static java.util.function.Predicate<Rejected> hasKey(String key, String stage) {
        return r -> r.getStage().equals(stage) && r.getKey() != null
                && new String(bytes(r.getKey()), StandardCharsets.UTF_8).equals(key);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static String function(String name, String arg) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: %s
                spec:
                  image: docker.io/library/debian:bookworm-slim
                  command: [/bin/true]
                  args: ["%s"]
                """.formatted(name, arg);
    }

    /** Functions, Tasks and BackupConfigurations that cannot be planned or that test what reaches a process. */
    private static String badDefinitions(Path effects, Path pwned) {
        String yaml = """
                # prints each argument on a line of its own into <effects>/<session>.args
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: fx-args
                spec:
                  image: docker.io/library/debian:bookworm-slim
                  command: [/bin/sh]
                  args:
                  - -c
                  - 'for a in "$@"; do printf "%s\\n" "$a"; done > "$0"'
                  - EFFECTS/${BACKUP_SESSION}.args
                  - '; touch PWNED/semicolon'
                  - '$(touch PWNED/dollar)'
                  - '`touch PWNED/backtick`'
                  - '&& touch PWNED/and'
                  - '| touch PWNED/pipe'
                  - '> PWNED/redirect'
                  - '$(id)'
                  - '*'
                  - 'it''s "quoted" \\ and spaced'
                  - ${metaParam}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: fx-bad-image
                spec:
                  image: 'debian:bookworm;touch PWNED/image'
                  args: ['--version']
                ---
                """ + function("fx-unresolvable", "${NO_SUCH_VARIABLE}")
                + "---\n" + function("fx-self", "${SELF_REFERENCE:=${SELF_REFERENCE}}")
                + "---\n" + function("fx-cycle", "${CYCLE_A:=${CYCLE_B:=${CYCLE_A}}}") + """
                ---
                # writes an output.json that is not JSON where update-status reads it
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: fx-not-json
                spec:
                  image: docker.io/library/debian:bookworm-slim
                  command: [/bin/sh]
                  args:
                  - -c
                  - 'mkdir -p "$0" && echo "this is not JSON {" > "$0/output.json"'
                  - ${outputDir}
                """;
        for (String[] task : new String[][] {{"args", "fx-args"}, {"image", "fx-bad-image"},
                {"variable", "fx-unresolvable"}, {"self", "fx-self"}, {"cycle", "fx-cycle"}}) {
            yaml += """
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata:
                      name: bad-%s
                    spec:
                      steps:
                      - name: %s
                    """.formatted(task[0], task[1]);
        }
        yaml += """
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: bad-output
                spec:
                  steps:
                  - name: fx-not-json
                    params:
                    - name: outputDir
                      value: /stash-tmp/output
                  - name: update-status
                    params:
                    - name: outputDir
                      value: /stash-tmp/output
                """;
        for (String name : List.of("args", "image", "variable", "self", "cycle", "output")) {
            yaml += """
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    metadata:
                      name: bad-%1$s
                      namespace: faults
                    spec:
                      repository:
                        name: fx-repo
                      task:
                        name: bad-%1$s
                        params:
                        - name: metaParam
                          value: '; touch PWNED/from-a-param'
                      target:
                        ref:
                          apiVersion: v1
                          kind: PersistentVolumeClaim
                          name: data-bad-%1$s
                    """.formatted(name);
        }
        return yaml.replace("EFFECTS", effects.toAbsolutePath().toString())
                .replace("PWNED", pwned.toAbsolutePath().toString());
    }
}
