package io.stashflow.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's time.ParseDuration and Duration.String(), with Go's own examples and error texts. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "0, 0",
        "+0, 0",
        "-0, 0",
        "5s, 5000000000",
        "30s, 30000000000",
        "1478s, 1478000000000",
        "-5s, -5000000000",
        "+5s, 5000000000",
        "5.0s, 5000000000",
        "5.6s, 5600000000",
        "5.s, 5000000000",
        ".5s, 500000000",
        "1.0s, 1000000000",
        "1.004s, 1004000000",
        "100.00100s, 100001000000",
        "10ns, 10",
        "11us, 11000",
        "12\u00b5s, 12000",
        "12\u03bcs, 12000",
        "13ms, 13000000",
        "14s, 14000000000",
        "15m, 900000000000",
        "16h, 57600000000000",
        "3h30m, 12600000000000",
        "10.5s4m, 250500000000",
        "-2m3.4s, -123400000000",
        "1h2m3s4ms5us6ns, 3723004005006",
        "39h9m14.425s, 140954425000000",
        "52763797000ns, 52763797000",
        "0.3333333333333333333h, 1200000000000",
        "9007199254740993ns, 9007199254740993",
        "9223372036854775807ns, 9223372036854775807",
        "0.100000000000000000000h, 360000000000",
        "0.830103483285477580700h, 2988372539827",
        "9223372036854775.807us, 9223372036854775807",
        "9223372036854.775807ms, 9223372036854775807",
        "-9223372036854775808ns, -9223372036854775808",
    })
    void parsesLikeGo(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''|time: invalid duration \"\"",
        "3|time: missing unit in duration \"3\"",
        "-|time: invalid duration \"-\"",
        "s|time: invalid duration \"s\"",
        ".|time: invalid duration \".\"",
        "-.|time: invalid duration \"-.\"",
        ".s|time: invalid duration \".s\"",
        "+.s|time: invalid duration \"+.s\"",
        "1d|time: unknown unit \"d\" in duration \"1d\"",
        "30 m|time: unknown unit \" m\" in duration \"30 m\"",
        "9223372036854775808ns|time: invalid duration \"9223372036854775808ns\"",
    })
    void refusesWhatGoRefusesWithGosMessage(String text, String message) {
        var e = assertThrows(GoDuration.InvalidDurationException.class, () -> GoDuration.parse(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "1100, 1.1\u00b5s",
        "2200000, 2.2ms",
        "3300000000, 3.3s",
        "240000000000, 4m0s",
        "301000000000, 5m1s",
        "3723000000000, 1h2m3s",
        "-3723000000000, -1h2m3s",
        "5400000000000, 1h30m0s",
        "9007199254740993, 2501h59m59.254740993s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
    }

    @ParameterizedTest
    @CsvSource({"30m", "1h30m", "1m", "90s", "2h", "250ms", "1.5s"})
    void formattingParsesBackToTheSameDuration(String text) {
        Duration parsed = GoDuration.parse(text);
        assertEquals(parsed, GoDuration.parse(GoDuration.format(parsed)));
    }
}
