package io.stashflow.cli;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.service.PlannerConfig;
import io.stashflow.planner.service.SessionRequests;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stashflow trigger}: asks for a backup session now (Stash's {@code kubectl stash trigger}), or for a
 * RestoreSession to run, by producing one {@code SessionRequested} to the sessions topic.
 */
@Command(
        name = "trigger",
        mixinStandardHelpOptions = true,
        description = {
            "Request a BackupSession of NAMESPACE/BACKUPCONFIG now (named <invoker>-<unix seconds>), or with --restore"
                    + " the run of NAMESPACE/RESTORESESSION, by producing a SessionRequested event.",
            "Defaults fit the standalone mode; STASHFLOW_BOOTSTRAP_SERVERS and STASHFLOW_SCHEMA_REGISTRY_URL are read"
                    + " when the flags are not given.",
            "",
            "Exit status: 0 when the request was written, 2 for wrong arguments, 1 when it could not be written.",
        })
public final class TriggerCommand implements Callable<Integer> {

    static final int BAD_ARGUMENTS = 2;
    static final int FAILED = 1;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE/BACKUPCONFIG",
            description = "The BackupConfiguration (or, with --batch, BackupBatch) to back up now.")
    String backup;
    @Option(names = "--restore", paramLabel = "NAMESPACE/RESTORESESSION", description = "Run this RestoreSession.")
    String restore;
    @Option(names = "--batch", description = "NAMESPACE/NAME names a BackupBatch rather than a BackupConfiguration.")
    boolean batch;
    @Option(names = "--cluster", paramLabel = "ID", description = "Cluster of the session (default standalone).")
    String cluster;
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
    String bootstrapServers;
    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Confluent-compatible schema registry (default http://127.0.0.1:8081).")
    String registryUrl;
    @Option(names = "--topic-prefix", description = "Topic prefix (default stash).")
    String topicPrefix;
    @Option(names = "--retry-left", defaultValue = "0",
            description = "spec.retryLeft of the session (default 0, like kubectl stash trigger).")
    int retryLeft;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the broker to take the request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--session-name", paramLabel = "NAME",
            description = "Name of the session (default <invoker>-<unix seconds>; for a restore the RestoreSession's"
                    + " name).")
    String sessionName;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    public TriggerCommand() {
        this(System.getenv());
    }

    TriggerCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The request the arguments ask for. */
    SessionRequested request(Instant now) {
        if ((backup == null) == (restore == null)) {
            throw new IllegalArgumentException("give either NAMESPACE/BACKUPCONFIG or --restore"
                    + " NAMESPACE/RESTORESESSION");
        }
        String clusterId = cluster != null ? cluster : PlannerConfig.DEFAULT_CLUSTER;
        if (restore != null) {
            if (batch || retryLeft != 0) {
                throw new IllegalArgumentException("--batch and --retry-left apply to backups only");
            }
            String[] ref = SessionRequests.namespaceAndName(restore, "--restore");
            return SessionRequests.restore(clusterId, ref[0], ref[1], sessionName, now);
        }
        String[] ref = SessionRequests.namespaceAndName(backup, "NAMESPACE/BACKUPCONFIG");
        return SessionRequests.backup(clusterId, ref[0], batch ? "BackupBatch" : "BackupConfiguration", ref[1],
                retryLeft, sessionName, now);
    }

    @Override
    public Integer call() {
        // the producer's retries while a broker is unreachable are reported once, below, not as a WARN per second
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SessionRequested request;
        Topics topics;
        try {
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException("--timeout must be at least 1 second");
            }
            request = request(Instant.now());
            topics = new Topics(topicPrefix != null ? topicPrefix : Topics.DEFAULT_PREFIX);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return BAD_ARGUMENTS;
        }
        String bootstrap = firstOf(bootstrapServers, environment.get("STASHFLOW_BOOTSTRAP_SERVERS"), "127.0.0.1:9092");
        String registry = firstOf(registryUrl, environment.get("STASHFLOW_SCHEMA_REGISTRY_URL"),
                "http://127.0.0.1:8081");
        ConfluentAvroSerde<SessionRequested> serde;
        try {
            serde = ConfluentAvroSerde.forValues(ConfluentRestSchemaRegistry.builder(registry).build(),
                    SessionRequested.class);
        } catch (IllegalArgumentException e) {
            err.println("--registry-url: " + e.getMessage());
            return BAD_ARGUMENTS;
        }
        String key = SessionRequests.key(request);
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutSeconds * 1000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000 + 5,
                ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, SessionRequested> producer = new KafkaProducer<>(settings, new StringSerializer(),
                serde.serializer())) {
            ProducerRecord<String, SessionRequested> record = new ProducerRecord<>(topics.sessions(), key, request);
            CloudEventHeaders.write(record.headers(), new CloudEventHeaders.Attributes(key,
                    EventTypes.source("cli", request.getCluster()), EventTypes.of(SessionRequested.class),
                    request.getRequestedAt(), key, CloudEventHeaders.AVRO_CONTENT_TYPE));
            RecordMetadata written = producer.send(record).get(timeoutSeconds + 5L, TimeUnit.SECONDS);
            out.println("requested " + (request.getKind().name().equals("RESTORE") ? "RestoreSession " : "BackupSession ")
                    + request.getNamespace() + "/" + request.getSessionName() + " of " + request.getInvoker().getKind()
                    + " " + request.getInvoker().getName() + " in cluster " + request.getCluster() + " ("
                    + written.topic() + " partition " + written.partition() + " offset " + written.offset() + ")");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted before the request was written");
            return FAILED;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            String hint = message.contains("not present in metadata")
                    ? "; either the broker did not answer (check --bootstrap-servers; ./stashflow standalone runs one)"
                            + " or the topic does not exist (start the planner, which creates its topics, or"
                            + " create " + topics.sessions() + "; check --topic-prefix)"
                    : "; check that the broker and the schema registry run (./stashflow standalone) or pass"
                            + " --bootstrap-servers and --registry-url";
            err.println("could not write the request to " + topics.sessions() + " at " + bootstrap + " (registry "
                    + registry + "): " + message + hint);
            return FAILED;
        }
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
