package io.stashflow.builtin.secrets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces known secret values in text before the text reaches a log line or a result file.
 *
 * <p>restic's error text can echo the repository location, and a REST server location carries the server's
 * credentials in its user-info part; a hook's output can print anything. Redacting every known credential value
 * (and its URL-encoded form) is the last line of defence behind "never put a secret into a message".
 *
 * <p>Values shorter than {@link #MINIMUM_LENGTH} characters are not redacted: replacing every occurrence of a
 * one- or two-character value would destroy the message while hiding nothing an attacker could not guess.
 */
public final class SecretRedactor {

    /** Shortest value that is redacted. */
    public static final int MINIMUM_LENGTH = 4;

    /** What a redacted value is replaced with. */
    public static final String MARKER = "<redacted>";

    private static final SecretRedactor NONE = new SecretRedactor(List.of());

    private final List<String> values;

    private SecretRedactor(List<String> values) {
        this.values = values;
    }

    /** A redactor for the given secret values (and their URL-encoded forms). */
    public static SecretRedactor of(Collection<String> secretValues) {
        Set<String> forms = new LinkedHashSet<>();
        for (String value : secretValues) {
            if (value == null || value.length() < MINIMUM_LENGTH) {
                continue;
            }
            forms.add(value);
            forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
            // a value read from a file often ends with a newline that never shows up in messages
            String trimmed = value.strip();
            if (trimmed.length() >= MINIMUM_LENGTH) {
                forms.add(trimmed);
            }
        }
        List<String> ordered = new ArrayList<>(forms);
        // longest first, so a value that contains another one is replaced whole
        ordered.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretRedactor(List.copyOf(ordered));
    }

    /** A redactor that knows no secrets. */
    public static SecretRedactor none() {
        return NONE;
    }

    /** A redactor that knows the secrets of both. */
    public SecretRedactor and(SecretRedactor other) {
        List<String> all = new ArrayList<>(values);
        all.addAll(other.values);
        return of(all);
    }

    /** The text with every known secret value replaced by {@link #MARKER}; {@code null} stays {@code null}. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String value : values) {
            if (result.contains(value)) {
                result = result.replace(value, MARKER);
            }
        }
        return result;
    }
}
