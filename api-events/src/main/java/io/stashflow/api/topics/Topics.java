package io.stashflow.api.topics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every topic name Stashflow uses, defined once.
 *
 * <p>All names share one prefix (default {@code stash}) so that several Stashflow installations can share a Kafka
 * cluster: {@code <prefix>.sessions}, {@code <prefix>.jobs.<cluster>}, and so on. The schema registry topic is the
 * exception: {@code _schemas}, the name Confluent's registry uses, unless configured otherwise.
 */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "stash";
    public static final String DEFAULT_SCHEMAS_TOPIC = "_schemas";

    /** Kafka's legal topic characters; a cluster id becomes part of a topic name, so it must fit too. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_TOPIC_LENGTH = 249;

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may only contain letters, digits, '.', '_' and '-' (Kafka topic rules)");
        }
    }

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    /** {@code SessionRequested}, keyed by {@code cluster/namespace/session}. */
    public String sessions() {
        return prefix + ".sessions";
    }

    /** {@code Definition} (compacted; null value = deleted), keyed by {@link RecordKeys#definition}. */
    public String definitions() {
        return prefix + ".definitions";
    }

    /** {@code JobPlanned} for the executor of one cluster, keyed by {@code cluster/namespace/session}. */
    public String jobs(String cluster) {
        String topic = prefix + ".jobs." + RecordKeys.requireSegment("cluster", cluster);
        if (!LEGAL.matcher(cluster).matches() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("cluster id '" + cluster + "' cannot be part of a topic name: use letters,"
                    + " digits, '.', '_' and '-' only, at most " + (MAX_TOPIC_LENGTH - prefix.length() - 6) + " characters");
        }
        return topic;
    }

    /** {@code StepOutcome} from every executor, keyed by {@code cluster/namespace/session}. */
    public String stepOutcomes() {
        return prefix + ".step-outcomes";
    }

    /** {@code PlanRejected}, keyed by {@code cluster/namespace/session}. */
    public String planRejections() {
        return prefix + ".plan-rejected";
    }

    /** {@code SessionStatus} (compacted), keyed by {@code cluster/namespace/session}. */
    public String sessionStatus() {
        return prefix + ".session-status";
    }

    /** {@code RepositoryStatus} (compacted), keyed by {@code cluster/namespace/repository}. */
    public String repositoryStatus() {
        return prefix + ".repository-status";
    }

    /** {@code Rejected}: records that could not be decoded or processed, with their original bytes. */
    public String rejected() {
        return prefix + ".rejected";
    }

    /**
     * The planner's own record of the sessions it holds for targets that several invokers back up (compacted; null
     * value = no longer held), keyed by {@code cluster/namespace/session}; its tasks read it to apply Stash's rule
     * for shared targets across the sessions other tasks hold. Internal to the planner, so not among
     * {@link #sharedTopics()}.
     */
    public String plannerFacts() {
        return prefix + ".planner-facts";
    }

    /** Topics every installation has (the per-cluster job topics come on top). */
    public List<String> sharedTopics() {
        return List.of(sessions(), definitions(), stepOutcomes(), planRejections(), sessionStatus(), repositoryStatus(),
                rejected());
    }

    /** Whether a topic holds the latest value per key and must be created with {@code cleanup.policy=compact}. */
    public boolean isCompacted(String topic) {
        return topic.equals(definitions()) || topic.equals(sessionStatus()) || topic.equals(repositoryStatus())
                || topic.equals(plannerFacts());
    }
}
