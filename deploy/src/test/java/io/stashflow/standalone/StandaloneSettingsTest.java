package io.stashflow.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.standalone.StandaloneStack.Service;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Service settings of the standalone stack: given per service, kept by the other {@code with...} methods. */
class StandaloneSettingsTest {

    private final StandaloneStack.Settings defaults = StandaloneStack.Settings.defaults(Path.of("/tmp/stack"));

    @Test
    void aServiceSettingReachesOnlyItsService() {
        StandaloneStack.Settings s = defaults
                .withServiceSetting(Service.REPORTER, "push-attempts", "30")
                .withServiceSetting(Service.PLANNER, "definitions-grace", "3s")
                .withPorts(1, 2, 3, 4, 5, 6)
                .withHost("127.0.0.2");
        assertEquals(Map.of("push-attempts", "30"), s.settingsOf(Service.REPORTER));
        assertEquals(Map.of("definitions-grace", "3s"), s.settingsOf(Service.PLANNER));
        assertTrue(s.settingsOf(Service.EXECUTOR).isEmpty());
        assertEquals(Map.of("reporter.push-attempts", "30", "planner.definitions-grace", "3s"), s.serviceSettings());
    }

    @Test
    void aSettingOfNoServiceIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StandaloneStack.Settings(
                defaults.dataDir(), defaults.definitionsDir(), defaults.host(), 1, 2, 3, 4, 5, 6,
                defaults.pushgatewayUrl(), defaults.secretsDir(), defaults.localEntrypoints(), defaults.stashflowJar(),
                Map.of("broker.log-dirs", "/x")));
        assertTrue(e.getMessage().contains("broker.log-dirs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> defaults.withServiceSetting(Service.PLANNER, "", "1"));
    }
}
