package io.stashflow.service.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The settings every Stashflow Streams application starts from, and that a service's own settings win. */
class StreamsRunnerPropertiesTest {

    @Test
    void exactlyOnceTheGlobalExceptionHandlerAndShortGlobalFetchWaitsByDefault() {
        Properties p = StreamsRunner.properties("app", "127.0.0.1:9092", Path.of("state"), Map.of());

        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(true, p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
        assertEquals(StreamsRunner.GLOBAL_FETCH_MAX_WAIT_MS, p.get("global.consumer.fetch.max.wait.ms"));
        assertEquals(50, StreamsRunner.GLOBAL_FETCH_MAX_WAIT_MS);
        // what Kafka Streams hands the global consumer
        Map<String, Object> global = new StreamsConfig(p).getGlobalConsumerConfigs("client");
        assertEquals(50, global.get("fetch.max.wait.ms"));
        assertEquals(Path.of("state").toAbsolutePath().toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
        // the partition assignor's copy of the settings is made from the main consumer's
        Map<String, Object> mainConsumer = new StreamsConfig(p).getMainConsumerConfigs("group", "client", 0);
        assertEquals(true, mainConsumer.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
    }

    @Test
    void aServicesOwnSettingsWin() {
        Properties p = StreamsRunner.properties("app", "127.0.0.1:9092", Path.of("state"),
                Map.of("global.consumer.fetch.max.wait.ms", 200, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));

        assertEquals(200, p.get("global.consumer.fetch.max.wait.ms"));
        assertEquals(100, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }
}
