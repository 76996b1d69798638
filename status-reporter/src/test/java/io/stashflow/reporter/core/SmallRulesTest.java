package io.stashflow.reporter.core;

import static io.stashflow.reporter.Fixtures.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Go durations, history limits. */
class SmallRulesTest {

    @Test
    void goDurationTextRoundedToSecondsAsStashWritesIt() {
        assertEquals("0s", GoDuration.roundedToSeconds(Duration.ofMillis(499)));
        assertEquals("1s", GoDuration.roundedToSeconds(Duration.ofMillis(500)));
        assertEquals("45s", GoDuration.roundedToSeconds(Duration.ofSeconds(45)));
        assertEquals("1m5s", GoDuration.roundedToSeconds(Duration.ofSeconds(65)));
        assertEquals("2m0s", GoDuration.roundedToSeconds(Duration.ofMinutes(2)));
        assertEquals("1h0m0s", GoDuration.roundedToSeconds(Duration.ofHours(1)));
        assertEquals("26h3m4s", GoDuration.roundedToSeconds(Duration.ofSeconds(26 * 3600 + 184)));
        assertEquals(Optional.of(Duration.ofMillis(12_500)), GoDuration.parse("12.5s"));
        assertEquals(Optional.of(Duration.ofSeconds(3723)), GoDuration.parse("1h2m3s"));
        assertEquals(Optional.of(Duration.ofMillis(250)), GoDuration.parse("250ms"));
        assertEquals(Optional.empty(), GoDuration.parse("12 seconds"));
        assertEquals(Optional.empty(), GoDuration.parse(""));
    }

    static HistoryPolicy.Entry e(String name, long created, String phase) {
        return new HistoryPolicy.Entry(name, at(created), phase);
    }

    @Test
    void historyKeepsTheNewestUpToTheLimitAndAlwaysTheLatestCompleted() {
        List<HistoryPolicy.Entry> sessions = List.of(e("s1", 1, "Succeeded"), e("s2", 2, "Failed"),
                e("s3", 3, "Skipped"), e("s4", 4, "Running"), e("s5", 5, "Skipped"));
        // newest first: s5 Skipped, s4 Running, s3 Skipped, s2 Failed (latest completed: kept), s1 Succeeded
        assertEquals(List.of("s3", "s1"), HistoryPolicy.toDelete(sessions, 1));
        assertEquals(List.of("s3", "s1"), HistoryPolicy.toDelete(sessions, 2));
        assertEquals(List.of("s1"), HistoryPolicy.toDelete(sessions, 3));
        assertEquals(List.of("s5", "s3", "s2", "s1"), HistoryPolicy.toDelete(sessions, 0),
                "a limit of 0 keeps nothing final, not even the latest completed");
        assertEquals(List.of(), HistoryPolicy.toDelete(List.of(e("only", 1, "Succeeded")), 1));
    }

    @Test
    void historyLimitIsReadFromTheInvokerDocument() {
        assertEquals(5, HistoryLimits.fromDocument("{\"spec\":{\"backupHistoryLimit\":5}}").getAsInt());
        assertEquals(false, HistoryLimits.fromDocument("{\"spec\":{}}").isPresent());
        assertEquals(false, HistoryLimits.fromDocument("not json").isPresent());
    }
}
