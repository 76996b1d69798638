package io.stashflow.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker and controller) from Kafka's production jars, started the way Kafka's
 * own test kit starts one but without its test jars: format the log directory once, then run {@link KafkaRaftServer}.
 * A data directory that is already formatted is reused as it is, so a restart keeps every topic and offset.
 * Replication factors are 1.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /** A broker on free ports of localhost, for benchmarks and tests. */
    public static EmbeddedKafkaBroker startOnFreePorts(Path dataDir) throws IOException {
        return start(dataDir, "127.0.0.1", freePort(), freePort());
    }

    /**
     * Starts a broker whose clients connect to {@code host:port}; the controller listens on {@code controllerPort}
     * of the same host. Fails with a {@link PortTakenException} naming the port when one of them is in use.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, String host, int port, int controllerPort)
            throws IOException {
        ensureFree(host, port, "the Kafka port");
        ensureFree(host, controllerPort, "the Kafka controller port");
        Files.createDirectories(dataDir);
        String data = dataDir.toAbsolutePath().toString();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", data);
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(List.of(data))
                    .setMetadataLogDirectory(data)
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction());
            try {
                formatter.run();
            } catch (Exception e) {
                throw new IOException("cannot format the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(server, host + ":" + port, dataDir);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * A port of 127.0.0.1 nobody listens on right now. It is chosen below Linux's ephemeral range (32768 and up) on
     * purpose: the outgoing connections of every Kafka client on the machine take ports from that range, so a port
     * picked there is often gone again before the broker binds it.
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Throws {@link PortTakenException} when {@code host:port} cannot be bound.
     *
     * @param option the option (or description) that moves this endpoint to another port
     */
    public static void ensureFree(String host, int port, String option) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new PortTakenException(option, host, port);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** A port the stack needs is in use; the message names the port and the option that moves it. */
    public static final class PortTakenException extends IllegalStateException {
        public PortTakenException(String option, String host, int port) {
            super("port " + port + " on " + host + " is already in use: stop what listens there (another Stashflow"
                    + " standalone or demo?) or choose another port with " + option);
        }
    }
}
