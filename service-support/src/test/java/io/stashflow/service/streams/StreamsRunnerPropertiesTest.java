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
    void exactlyOnceAndTheGlobalExceptionHandlerByDefault() {
        Properties p = StreamsRunner.properties("app", "127.0.0.1:9092", Path.of("state"), Map.of());

        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(true, p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
        assertEquals(Path.of("state").toAbsolutePath().toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
        // the partition assignor's copy of the settings is made from the main consumer's
        Map<String, Object> mainConsumer = new StreamsConfig(p).getMainConsumerConfigs("group", "client", 0);
        assertEquals(true, mainConsumer.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
    }

    @Test
    void aServicesOwnSettingsWin() {
        Properties p = StreamsRunner.properties("app", "127.0.0.1:9092", Path.of("state"),
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));

        assertEquals(StreamsConfig.AT_LEAST_ONCE, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(100, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }
}
