package io.stashflow.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.service.SessionRequests;
import io.stashflow.standalone.StandaloneStack;
import io.stashflow.standalone.TestStacks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The standalone stack of a fault drill, with fixture definitions whose steps leave a trace on disk.
 *
 * <p>Every BackupConfiguration {@code <stream>-<i>} of namespace {@value #NAMESPACE} runs the Task {@code fx-task}: step
 * {@code fx-a} appends the line {@code a} to {@code <effects>/<session>} and sleeps the configuration's
 * {@code stepSeconds}, step {@code fx-b} appends {@code b}. So the file of a session says how often each step ran. Each
 * configuration backs up its own PVC and gets one session per drill, so Stash's skip and pending rules (same invoker
 * running, same target) never hold a session back.
 *
 * <p>Everything is read the way any client would: the topics with {@code read_committed}, the effects from disk.
 */
final class FaultStack implements AutoCloseable {

    static final String NAMESPACE = "faults";
    static final String CLUSTER = StandaloneStack.CLUSTER;
    static final Duration SETTLE = Duration.ofSeconds(120);

    /** BackupConfigurations {@code <prefix>-0 .. <prefix>-(count-1)} whose first step takes {@code stepSeconds}. */
    record Stream(String prefix, int count, double stepSeconds) {
        String invoker(int i) {
            return prefix + "-" + i;
        }

        /** The one session of invoker {@code i}. */
        String session(int i) {
            return invoker(i) + "-run";
        }

        List<String> sessions() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add(session(i));
            }
            return names;
        }
    }

    final Path effects;
    final Path definitions;
    final StandaloneStack stack;
    final Topics topics = Topics.withDefaultPrefix();
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConfluentAvroSerde<SessionRequested> requestSerde;
    private final Map<String, TopicTail> tails = new HashMap<>();
    private final Map<String, SessionStatus> latestStatus = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private FaultStack(Path root, StandaloneStack stack) {
        this.effects = root.resolve("effects");
        this.definitions = root.resolve("definitions");
        this.stack = stack;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.requestSerde = ConfluentAvroSerde.forValues(stack.registry(), SessionRequested.class);
    }

    /**
     * Writes the fixture definitions (plus {@code extraYaml} as {@code extra.yaml} when not empty) and starts a stack on
     * free ports below {@code root}, with {@code tune} applied to its settings.
     */
    static FaultStack start(Path root, List<Stream> streams, String extraYaml,
                            UnaryOperator<StandaloneStack.Settings> tune) throws IOException {
        Path effects = Files.createDirectories(root.resolve("effects"));
        Path definitions = Files.createDirectories(root.resolve("definitions"));
        Files.writeString(definitions.resolve("fixture.yaml"), fixture(effects));
        for (Stream stream : streams) {
            Files.writeString(definitions.resolve(stream.prefix() + ".yaml"), configurations(stream));
        }
        if (!extraYaml.isEmpty()) {
            Files.writeString(definitions.resolve("extra.yaml"), extraYaml);
        }
        StandaloneStack.Settings settings = tune.apply(TestStacks.settings(root.resolve("data"))
                .withDefinitions(definitions)
                // a missing definition is given up on after 3 s instead of 10 s (the bad-input drills wait for it)
                .withServiceSetting(StandaloneStack.Service.PLANNER, "definitions-grace", "3s"));
        return new FaultStack(root, StandaloneStack.start(settings, line -> { }));
    }

    /** The Functions, the Task and the Repository every fixture configuration uses. */
    static String fixture(Path effects) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: fx-a
                spec:
                  image: docker.io/library/debian:bookworm-slim
                  command: [/bin/sh]
                  args:
                  - -c
                  - echo a >> "$1/$2"; exec sleep "$3"
                  - fx-a
                  - %1$s
                  - ${BACKUP_SESSION}
                  - ${stepSeconds:=1}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: fx-b
                spec:
                  image: docker.io/library/debian:bookworm-slim
                  command: [/bin/sh]
                  args:
                  - -c
                  - echo b >> "$1/$2"
                  - fx-b
                  - %1$s
                  - ${BACKUP_SESSION}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: fx-task
                spec:
                  steps:
                  - name: fx-a
                  - name: fx-b
                ---
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata:
                  name: fx-repo
                  namespace: faults
                spec:
                  backend:
                    local:
                      mountPath: /safe/data
                      persistentVolumeClaim:
                        claimName: fx-repository
                """.formatted(effects.toAbsolutePath());
    }

    static String configurations(Stream stream) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < stream.count(); i++) {
            yaml.append("""
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    metadata:
                      name: %1$s
                      namespace: faults
                    spec:
                      repository:
                        name: fx-repo
                      task:
                        name: fx-task
                        params:
                        - name: stepSeconds
                          value: "%2$s"
                      target:
                        ref:
                          apiVersion: v1
                          kind: PersistentVolumeClaim
                          name: data-%1$s
                    """.formatted(stream.invoker(i), stream.stepSeconds()));
        }
        return yaml.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // input

    /** Requests the sessions {@code from..to-1} of {@code stream}, as {@code stashflow trigger} would. */
    List<String> request(Stream stream, int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            names.add(requestBackup(stream.invoker(i), stream.session(i)));
        }
        producer.flush();
        return names;
    }

    /**
     * Requests every session of {@code stream} on a thread of its own, one every {@code gap}, so that a fault can hit
     * the middle of the stream. {@link Paced#requested()} says how many are out so far.
     */
    Paced requestPaced(Stream stream, Duration gap) {
        Paced paced = new Paced(stream);
        Thread thread = new Thread(() -> {
            for (int i = 0; i < stream.count(); i++) {
                requestBackup(stream.invoker(i), stream.session(i));
                paced.count.incrementAndGet();
                pause(gap.toMillis());
            }
        }, "requests-" + stream.prefix());
        thread.setDaemon(true);
        paced.thread = thread;
        thread.start();
        return paced;
    }

    /** A stream of requests being written. */
    static final class Paced {
        private final Stream stream;
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        private Thread thread;

        private Paced(Stream stream) {
            this.stream = stream;
        }

        int requested() {
            return count.get();
        }

        /** Waits until every request is written; the session names. */
        List<String> finish() {
            try {
                thread.join(Duration.ofSeconds(120).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            assertEquals(stream.count(), count.get(), "every request of the stream was written");
            return stream.sessions();
        }
    }

    String requestBackup(String invoker, String session) {
        SessionRequested request = SessionRequests.backup(CLUSTER, NAMESPACE, "BackupConfiguration", invoker, 0,
                session, Instant.now());
        String key = SessionRequests.key(request);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.sessions(), bytes(key),
                requestSerde.serializer().serialize(topics.sessions(), request));
        CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(EventTypes.source("test", CLUSTER),
                EventTypes.of(SessionRequested.class), key));
        send(record);
        return session;
    }

    /** Writes raw bytes to a topic, acknowledged. */
    void produceRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key == null ? null : bytes(key), value));
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not write to " + record.topic() + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // observation

    /** Lines the steps of {@code session} appended to its effects file, in order. */
    List<String> effects(String session) {
        Path file = effects.resolve(session);
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** The latest status (read committed) of every session of the namespace seen so far. */
    synchronized Map<String, SessionStatus> statuses() {
        ConfluentAvroSerde<SessionStatus> serde = ConfluentAvroSerde.forValues(stack.registry(), SessionStatus.class);
        for (ConsumerRecord<String, byte[]> r : tail(topics.sessionStatus()).poll()) {
            SessionStatus status = decode(serde, r);
            if (status != null && status.getSessionKey().getNamespace().equals(NAMESPACE)) {
                latestStatus.put(status.getSessionKey().getName(), status);
            }
        }
        return new TreeMap<>(latestStatus);
    }

    /** How many of {@code sessions} are final now. */
    long finalCount(Collection<String> sessions) {
        Map<String, SessionStatus> latest = statuses();
        return sessions.stream()
                .filter(s -> latest.get(s) != null && SessionPhases.isFinal(latest.get(s).getPhase())).count();
    }

    /** Waits until every session's latest status (read committed) is final; the latest status per session. */
    Map<String, SessionStatus> awaitFinal(Collection<String> sessions, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, SessionStatus> latest = statuses();
            List<String> open = sessions.stream()
                    .filter(s -> latest.get(s) == null || !SessionPhases.isFinal(latest.get(s).getPhase())).toList();
            if (open.isEmpty()) {
                Map<String, SessionStatus> out = new TreeMap<>();
                sessions.forEach(s -> out.put(s, latest.get(s)));
                return out;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError(open.size() + " of " + sessions.size() + " sessions are not final after "
                        + timeout + ": " + open.stream().limit(10).map(s -> s + "=" + (latest.get(s) == null
                        ? "no status" : latest.get(s).getPhase()) + " effects " + effects(s))
                        .collect(Collectors.joining(", ")));
            }
            pause(300);
        }
    }

    /** How many JobPlanned records (read committed) each of {@code sessions} has in the jobs topic. */
    Map<String, Integer> plans(Collection<String> sessions) {
        ConfluentAvroSerde<JobPlanned> serde = ConfluentAvroSerde.forValues(stack.registry(), JobPlanned.class);
        TopicTail jobs = tail(topics.jobs(CLUSTER));
        jobs.poll();
        Map<String, Integer> counts = new TreeMap<>();
        sessions.forEach(s -> counts.put(s, 0));
        for (ConsumerRecord<String, byte[]> r : jobs.all()) {
            JobPlanned plan = decode(serde, r);
            if (plan != null && counts.containsKey(plan.getSessionKey().getName())) {
                counts.merge(plan.getSessionKey().getName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Every step outcome (read committed) of {@code session}. */
    List<StepOutcome> outcomes(String session) {
        ConfluentAvroSerde<StepOutcome> serde = ConfluentAvroSerde.forValues(stack.registry(), StepOutcome.class);
        TopicTail tail = tail(topics.stepOutcomes());
        tail.poll();
        List<StepOutcome> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : tail.all()) {
            StepOutcome outcome = decode(serde, r);
            if (outcome != null && outcome.getSessionKey().getName().equals(session)) {
                out.add(outcome);
            }
        }
        return out;
    }

    /** Everything in {@code stash.rejected} so far. */
    List<Rejected> rejected() {
        ConfluentAvroSerde<Rejected> serde = ConfluentAvroSerde.forValues(stack.registry(), Rejected.class);
        TopicTail tail = tail(topics.rejected());
        tail.poll();
        return tail.all().stream().map(r -> decode(serde, r)).filter(java.util.Objects::nonNull).toList();
    }

    /** Waits until a rejection matches, returning it. */
    Rejected awaitRejected(String what, java.util.function.Predicate<Rejected> match, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Rejected> all = rejected();
            for (Rejected r : all) {
                if (match.test(r)) {
                    return r;
                }
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("no rejection " + what + " within " + timeout + "; stash.rejected holds "
                        + all.stream().map(r -> r.getStage() + " " + r.getTopic() + ": " + r.getError())
                        .collect(Collectors.joining("\n  ", "\n  ", "")));
            }
            pause(300);
        }
    }

    private static <T extends SpecificRecord> T decode(ConfluentAvroSerde<T> serde, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return serde.deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            return null; // what the bad-input drills put there themselves
        }
    }

    synchronized TopicTail tail(String topic) {
        return tails.computeIfAbsent(topic, t -> new TopicTail(stack.bootstrapServers(), t));
    }

    /** A metric of the executor's {@code /metrics} (sum over the label sets matching {@code labels}). */
    double executorMetric(String name, String labels) {
        String text = get("http://" + stack.settings().host() + ":" + stack.settings().executorPort() + "/metrics");
        return metric(text, name, labels);
    }

    double reporterMetric(String name, String labels) {
        return metric(get(stack.settings().statusUrl() + "/metrics"), name, labels);
    }

    static double metric(String text, String name, String labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                if (labels.isEmpty() || line.contains(labels)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    String get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Sets a consumer group's offsets back, as if it had not committed since (the group must have no member). */
    void rewind(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
        offsets.forEach((tp, o) -> target.put(tp, new OffsetAndMetadata(o)));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Admin admin = admin()) {
                admin.alterConsumerGroupOffsets(group, target).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                // the crashed member may still be counted until the coordinator notices it left
                if (System.nanoTime() > until) {
                    throw new AssertionError("cannot rewind group " + group + ": " + e, e);
                }
                pause(500);
            }
        }
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // the invariants

    /**
     * What every drill asserts about a set of sessions once they are final: each session was planned exactly once
     * (one JobPlanned, read committed); a Succeeded session ran each of its steps exactly once (effects {@code a, b});
     * any other final session ran each step at most once, in order, and failed for one of {@code allowedFailures}
     * (reasons as they appear in its status); and nothing is left undecided.
     *
     * @return the final statuses
     */
    Map<String, SessionStatus> assertNothingLostNothingTwice(Collection<String> sessions, Set<String> allowedFailures) {
        Map<String, SessionStatus> statuses = awaitFinal(sessions, SETTLE);
        assertEquals(sessions.size(), statuses.size(), "every requested session has a final status");
        Map<String, Integer> plans = plans(sessions);
        Map<String, Integer> notOnce = plans.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertTrue(notOnce.isEmpty(), "each session is planned exactly once (session -> JobPlanned count): " + notOnce);
        Map<String, String> problems = new LinkedHashMap<>();
        statuses.forEach((session, status) -> {
            List<String> ran = effects(session);
            if (status.getPhase().equals("Succeeded")) {
                if (!ran.equals(List.of("a", "b"))) {
                    problems.put(session, "Succeeded but its steps ran " + ran);
                }
            } else if (!List.of("a", "b").subList(0, Math.min(2, ran.size())).equals(ran) || ran.size() > 2) {
                problems.put(session, status.getPhase() + " and its steps ran " + ran);
            } else if (allowedFailures.stream().noneMatch(reason -> status.toString().contains(reason))) {
                problems.put(session, status.getPhase() + " for none of " + allowedFailures + ": " + status);
            }
        });
        assertTrue(problems.isEmpty(), "sessions that lost or repeated work: " + problems);
        return statuses;
    }

    static Map<String, Long> phases(Map<String, SessionStatus> statuses) {
        return statuses.values().stream().collect(Collectors.groupingBy(SessionStatus::getPhase, TreeMap::new,
                Collectors.counting()));
    }

    static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            pause(100);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops everything; a drill that ended with the broker down gets it back first, so the services stop cleanly. */
    @Override
    public void close() {
        if (!stack.brokerRunning()) {
            try {
                stack.startBroker();
            } catch (IOException | RuntimeException e) {
                // closing without it takes longer, nothing more
            }
        }
        tails.values().forEach(TopicTail::close);
        producer.close(Duration.ofSeconds(5));
        stack.close();
    }

    /**
     * Reads a topic from its beginning, committed records only, without a consumer group; {@link #poll()} returns what
     * arrived since the last call, {@link #all()} everything read.
     */
    static final class TopicTail implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        private final String topic;
        private List<TopicPartition> partitions = List.of();

        TopicTail(String bootstrapServers, String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
            this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
        }

        private void assign() {
            if (partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
        }

        /** The current end (last stable offset) of every partition. */
        Map<TopicPartition, Long> endOffsets() {
            assign();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30));
        }

        /** Reads up to the current end (last stable offset) of every partition. */
        List<ConsumerRecord<String, byte[]>> poll() {
            Map<TopicPartition, Long> end = endOffsets();
            List<ConsumerRecord<String, byte[]>> fresh = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Function<TopicPartition, Boolean> behind = tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp);
            while (partitions.stream().anyMatch(behind::apply)) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(fresh::add);
            }
            all.addAll(fresh);
            return fresh;
        }

        List<ConsumerRecord<String, byte[]>> all() {
            return all;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
