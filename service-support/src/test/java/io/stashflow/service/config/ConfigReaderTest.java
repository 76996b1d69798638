package io.stashflow.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @TempDir
    Path dir;

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("svc.properties");
        Files.writeString(file, "http-port=1\ntopic-prefix=file\nstate-dir=" + dir.resolve("s") + "\n");
        ConfigReader in = ConfigReader.of("svc", Map.of("http-port", "3"),
                Map.of("STASHFLOW_HTTP_PORT", "2", "STASHFLOW_TOPIC_PREFIX", "env"), Optional.of(file));
        assertEquals(3, in.port("http-port", 8080, false));
        assertEquals("env", in.string("topic-prefix", "stash"));
        assertEquals(dir.resolve("s"), in.directory("state-dir", dir));
        assertEquals("dflt", in.string("missing", "dflt"));
        in.validate();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheSettingAndTheFix() {
        ConfigReader in = ConfigReader.of("svc", Map.of("http-port", "99999", "sweep", "often", "url", "ftp://x",
                "flag", "maybe"), Map.of(), Optional.empty());
        in.requiredString("bootstrap-servers", "127.0.0.1:9092");
        in.port("http-port", 8080, false);
        in.duration("sweep", Duration.ofSeconds(1), Duration.ZERO);
        in.httpUrl("url");
        in.bool("flag", false);
        ConfigException e = assertThrows(ConfigException.class, in::validate);
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("bootstrap-servers is required: set --bootstrap-servers /"
                + " STASHFLOW_BOOTSTRAP_SERVERS, e.g. 127.0.0.1:9092"), e.getMessage());
        assertTrue(e.getMessage().contains("http-port is 99999 but must be between 1 and 65535"), e.getMessage());
        assertTrue(e.getMessage().contains("sweep is 'often', not a duration"), e.getMessage());
        assertTrue(e.getMessage().contains("url is 'ftp://x', not an http(s) URL"), e.getMessage());
        assertTrue(e.getMessage().contains("flag is 'maybe': use true or false"), e.getMessage());
    }

    @Test
    void secretsAreNeverEchoed() {
        ConfigReader in = ConfigReader.of("svc", Map.of(), Map.of(), Optional.empty());
        assertEquals("", in.secret("registry-password"));
        ConfigException e = assertThrows(ConfigException.class, in::validate);
        assertTrue(e.getMessage().contains("the value is never logged"));
        ConfigReader given = ConfigReader.of("svc", Map.of("registry-password", "hunter2"), Map.of(), Optional.empty());
        assertEquals("hunter2", given.secret("registry-password"));
        given.validate();
    }

    @Test
    void durationsInGoAndIsoForms() {
        assertEquals(Optional.of(Duration.ofMinutes(90)), ConfigReader.parseDuration("1h30m"));
        assertEquals(Optional.of(Duration.ofMillis(250)), ConfigReader.parseDuration("250ms"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), ConfigReader.parseDuration("PT30S"));
        assertEquals(Optional.of(Duration.ZERO), ConfigReader.parseDuration("0"));
        assertEquals(Optional.empty(), ConfigReader.parseDuration("5 minutes"));
    }

    @Test
    void anUnreadableConfigFileIsAProblem() {
        ConfigReader in = ConfigReader.of("svc", Map.of(), Map.of(), Optional.of(dir.resolve("nope.properties")));
        ConfigException e = assertThrows(ConfigException.class, in::validate);
        assertTrue(e.getMessage().contains("config file"), e.getMessage());
    }
}
