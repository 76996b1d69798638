package io.stashflow.planner.resolver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of the objects the resolver creates. Stash uses kmodules {@code ValidNameWithPrefixNSuffix}, which cuts
 * long names; Stashflow cuts them too but ends a shortened name with a short stable hash of the full input, so
 * two long session names that share a prefix still get different pods (the executor relies on deterministic,
 * unique names for create-or-get).
 */
public final class ResourceNames {

    /** Maximum length of a DNS-1123 label (pod names used as hostnames, label values). */
    public static final int MAX_LENGTH = 63;
    private static final int HASH_LENGTH = 8;

    private ResourceNames() {
    }

    /** {@code stash-backup-<session with '.'→'-'>-<index>}, shortened when needed. */
    public static String backupPodName(String sessionName, int targetIndex) {
        return withPrefixAndSuffix("stash-backup", sessionName, Integer.toString(targetIndex));
    }

    /** {@code stash-restore-<session with '.'→'-'>-<index>}, shortened when needed. */
    public static String restorePodName(String sessionName, int targetIndex) {
        return withPrefixAndSuffix("stash-restore", sessionName, Integer.toString(targetIndex));
    }

    /**
     * {@code <session>-<template name>}: the interim PVC (Stash's {@code ValidNameWithPrefix}). Both parts are
     * already valid object names; when the result is longer than 63 characters it is cut and ends with
     * {@code -<8 hex digits of SHA-256 of the full name>}.
     */
    public static String interimClaimName(String sessionName, String templateName) {
        String full = sessionName + "-" + templateName;
        if (full.length() <= MAX_LENGTH) {
            return full;
        }
        String hashedTail = "-" + shortHash(full);
        String cut = full.substring(0, MAX_LENGTH - hashedTail.length()).replaceAll("[-.]+$", "");
        return cut + hashedTail;
    }

    /**
     * {@code prefix-middle[-suffix]} when that is a DNS-1123 label of at most 63 characters; otherwise the middle
     * part is lower-cased, every character outside {@code [a-z0-9-]} becomes {@code -}, it is cut to fit, and
     * {@code -<8 hex digits of SHA-256(middle)>} is put before the suffix.
     */
    static String withPrefixAndSuffix(String prefix, String middle, String suffix) {
        String plainMiddle = middle.replace('.', '-');
        String tail = suffix == null ? "" : "-" + suffix;
        String candidate = prefix + "-" + plainMiddle + tail;
        if (isDns1123Label(candidate)) {
            return candidate;
        }
        String sanitized = plainMiddle.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String hashedTail = "-" + shortHash(middle) + tail;
        int room = MAX_LENGTH - prefix.length() - 1 - hashedTail.length();
        if (room < 1) {
            throw new IllegalArgumentException("cannot build a name from prefix '" + prefix + "' and suffix '"
                    + suffix + "' within " + MAX_LENGTH + " characters");
        }
        String cut = sanitized.length() > room ? sanitized.substring(0, room) : sanitized;
        cut = cut.replaceAll("^-+", "").replaceAll("-+$", "");
        return cut.isEmpty() ? prefix + hashedTail : prefix + "-" + cut + hashedTail;
    }

    /** Whether {@code name} is a DNS-1123 label of at most 63 characters. */
    public static boolean isDns1123Label(String name) {
        // [a-z0-9]([-a-z0-9]*[a-z0-9])? written out: the pod name of every planned session is checked
        int length = name.length();
        if (length == 0 || length > MAX_LENGTH || !alphanumeric(name.charAt(0))
                || !alphanumeric(name.charAt(length - 1))) {
            return false;
        }
        for (int i = 1; i < length - 1; i++) {
            char c = name.charAt(i);
            if (c != '-' && !alphanumeric(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
