package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.http.SchemaRegistryHttpServer;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.testsupport.KafkaTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TriggerCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(new CommandLine(new TriggerCommand(Map.of())), args);
    }

    private static SessionRequested request(String... args) {
        TriggerCommand command = new TriggerCommand(Map.of());
        new CommandLine(command).parseArgs(args);
        return command.request(Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void aBackupIsNamedAfterItsInvokerAndTheSecondLikeStash() {
        SessionRequested request = request("demo/pg-backup");
        assertEquals("standalone", request.getCluster());
        assertEquals("demo", request.getNamespace());
        assertEquals("pg-backup-1772359200", request.getSessionName());
        assertEquals(SessionKind.BACKUP, request.getKind());
        assertEquals("BackupConfiguration", request.getInvoker().getKind());
        assertEquals("pg-backup", request.getInvoker().getName());
        assertEquals(0, request.getRetryLeft());
        assertEquals("cli", request.getRequestedBy());
        assertEquals(Map.of("app", "stash", "stash.appscode.com/invoker-type", "BackupConfiguration",
                "stash.appscode.com/invoker-name", "pg-backup"), request.getLabels());
    }

    @Test
    void batchesRetriesAndNamesCanBeAskedFor() {
        SessionRequested request = request("demo/nightly", "--batch", "--retry-left", "2", "--cluster", "prod",
                "--session-name", "nightly-manual");
        assertEquals("BackupBatch", request.getInvoker().getKind());
        assertEquals(2, request.getRetryLeft());
        assertEquals("prod", request.getCluster());
        assertEquals("nightly-manual", request.getSessionName());
    }

    @Test
    void aRestoreRunsTheRestoreSessionUnderItsOwnName() {
        SessionRequested request = request("--restore", "demo/pg-restore");
        assertEquals(SessionKind.RESTORE, request.getKind());
        assertEquals("pg-restore", request.getSessionName());
        assertEquals("RestoreSession", request.getInvoker().getKind());
        assertEquals("pg-restore", request.getInvoker().getName());
    }

    @Test
    void wrongArgumentsExitWithTwoAndSayWhatIsExpected() {
        CliRun none = run();
        assertEquals(TriggerCommand.BAD_ARGUMENTS, none.exitCode());
        assertTrue(none.stderr().contains("give either NAMESPACE/BACKUPCONFIG or --restore"), none.stderr());
        CliRun both = run("demo/a", "--restore", "demo/b");
        assertEquals(TriggerCommand.BAD_ARGUMENTS, both.exitCode());
        CliRun noNamespace = run("pg-backup");
        assertEquals(TriggerCommand.BAD_ARGUMENTS, noNamespace.exitCode());
        assertTrue(noNamespace.stderr().contains("must be NAMESPACE/NAME"), noNamespace.stderr());
        CliRun batchRestore = run("--restore", "demo/r", "--batch");
        assertEquals(TriggerCommand.BAD_ARGUMENTS, batchRestore.exitCode());
    }

    @Test
    void anUnreachableBrokerIsReportedWithExitOne() {
        CliRun run = run("demo/pg-backup", "--bootstrap-servers", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1",
                "--timeout", "2");
        assertEquals(TriggerCommand.FAILED, run.exitCode());
        assertTrue(run.stderr().contains("could not write the request"), run.stderr());
    }

    @Test
    @Tag("integration")
    void writesTheRequestWithCloudEventsHeadersThroughARegistryEndpoint() {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String prefix = KafkaTestCluster.uniqueName("trigger");
        Topics topics = new Topics(prefix);
        kafka.createTopics(1, topics.sessions());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        try (SchemaRegistryHttpServer http = SchemaRegistryHttpServer.start(registry, "127.0.0.1", 0)) {
            CliRun run = run("demo/pg-backup", "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url",
                    http.baseUrl(), "--topic-prefix", prefix, "--cluster", "c1");
            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(run.stdout().startsWith("requested BackupSession demo/pg-backup-"), run.stdout());

            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestCluster.uniqueName("trigger-reader"));
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<ConsumerRecord<String, SessionRequested>> records = new ArrayList<>();
            try (KafkaConsumer<String, SessionRequested> consumer = new KafkaConsumer<>(settings,
                    new StringDeserializer(),
                    ConfluentAvroSerde.forValues(registry, SessionRequested.class).deserializer())) {
                consumer.subscribe(List.of(topics.sessions()));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            assertEquals(1, records.size());
            ConsumerRecord<String, SessionRequested> record = records.get(0);
            assertEquals("c1/demo/" + record.value().getSessionName(), record.key());
            var attributes = CloudEventHeaders.read(record.headers()).orElseThrow();
            assertEquals("io.stashflow.session.requested.v1", attributes.type());
            assertEquals("/stashflow/cli/c1", attributes.source());
        }
    }
}
