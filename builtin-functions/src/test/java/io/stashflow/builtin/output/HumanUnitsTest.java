package io.stashflow.builtin.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HumanUnitsTest {

    @Test
    void bytesUseStashsThreeDecimalBinaryUnitsAndStayInTheSmallerUnitAtABoundary() {
        assertEquals("0 B", HumanUnits.bytes(0));
        assertEquals("1024 B", HumanUnits.bytes(1024));
        assertEquals("1.001 KiB", HumanUnits.bytes(1025));
        assertEquals("12.300 MiB", HumanUnits.bytes(12_897_485));
        assertEquals("2.000 GiB", HumanUnits.bytes(2L << 30));
        assertEquals("1.500 TiB", HumanUnits.bytes(3L << 39));
    }

    /** status-reporter reads the text back the way Stash does (number times the unit's power of 1024). */
    @Property(tries = 300)
    void bytesTextReadsBackWithinRounding(@ForAll @LongRange(min = 0, max = 1L << 50) long count) {
        String text = HumanUnits.bytes(count);
        String[] parts = text.split(" ");
        double number = Double.parseDouble(parts[0]);
        long unit = switch (parts[1]) {
            case "B" -> 1;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            default -> throw new AssertionError(text);
        };
        double readBack = number * unit;
        assertTrue(Math.abs(readBack - count) <= 0.0005 * unit + 0.5, () -> count + " -> " + text);
    }

    @Test
    void processingTimeIsMinutesAndSecondsOrHours() {
        assertEquals("0:00", HumanUnits.processingTime(0.25));
        assertEquals("1:05", HumanUnits.processingTime(65.9));
        assertEquals("1:00:01", HumanUnits.processingTime(3601));
    }

    @Test
    void goDurationMatchesGosNotation() {
        assertEquals("0s", HumanUnits.goDuration(Duration.ZERO));
        assertEquals("999ns", HumanUnits.goDuration(Duration.ofNanos(999)));
        assertEquals("1.5\u00b5s", HumanUnits.goDuration(Duration.ofNanos(1500)));
        assertEquals("1.234567ms", HumanUnits.goDuration(Duration.ofNanos(1_234_567)));
        assertEquals("1s", HumanUnits.goDuration(Duration.ofSeconds(1)));
        assertEquals("2.25s", HumanUnits.goDuration(Duration.ofMillis(2250)));
        assertEquals("1m0s", HumanUnits.goDuration(Duration.ofMinutes(1)));
        assertEquals("1m3.000000001s", HumanUnits.goDuration(Duration.ofSeconds(63, 1)));
        assertEquals("1h0m0s", HumanUnits.goDuration(Duration.ofHours(1)));
        assertEquals("26h3m4.5s", HumanUnits.goDuration(Duration.ofHours(26).plusMinutes(3).plusMillis(4500)));
        assertEquals("-2s", HumanUnits.goDuration(Duration.ofSeconds(-2)));
    }

    @Property(tries = 200)
    void goDurationOfWholeSecondsCountsBackToTheSameValue(@ForAll @LongRange(min = 1, max = 10_000_000) long seconds) {
        String text = HumanUnits.goDuration(Duration.ofSeconds(seconds));
        long total = 0;
        for (String part : text.split("(?<=[hms])")) {
            long value = Long.parseLong(part.substring(0, part.length() - 1));
            char unit = part.toLowerCase(Locale.ROOT).charAt(part.length() - 1);
            total += value * (unit == 'h' ? 3600 : unit == 'm' ? 60 : 1);
        }
        assertEquals(seconds, total, text);
    }
}
