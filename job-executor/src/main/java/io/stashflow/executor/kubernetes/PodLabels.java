package io.stashflow.executor.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The labels and annotations the agent puts on its pods, and how it makes label values legal. */
public final class PodLabels {

    /** Every pod of every Stashflow agent; with {@link #CLUSTER} it is the informer's selector. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "stashflow-executor";
    public static final String CLUSTER = "stashflow.io/cluster";
    public static final String SESSION = "stashflow.io/session";
    public static final String SESSION_KIND = "stashflow.io/session-kind";
    public static final String INVOKER_KIND = "stashflow.io/invoker-kind";
    public static final String INVOKER_NAME = "stashflow.io/invoker-name";
    public static final String TARGET_INDEX = "stashflow.io/target-index";

    /** The plan identity as JSON ({@code PlanIdentity}), so a restarted agent knows what the pod is for. */
    public static final String PLAN_ANNOTATION = "stashflow.io/plan";
    /** Set (to the time) once the pod's outcomes are durable in Kafka; such pods are history, not work. */
    public static final String REPORTED_ANNOTATION = "stashflow.io/reported";

    private static final int MAX_VALUE = 63;
    private static final Pattern LEGAL = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private PodLabels() {
    }

    /**
     * A legal label value for any text: itself when legal, otherwise cut and ended with 8 hex digits of its SHA-256,
     * so different long names stay different.
     */
    public static String value(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() <= MAX_VALUE && LEGAL.matcher(text).matches()) {
            return text;
        }
        String hash = hash(text);
        String cleaned = text.replaceAll("[^-A-Za-z0-9_.]", "-");
        int room = MAX_VALUE - hash.length() - 1;
        String cut = cleaned.length() > room ? cleaned.substring(0, room) : cleaned;
        cut = cut.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return cut.isEmpty() ? hash : cut + "-" + hash;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
