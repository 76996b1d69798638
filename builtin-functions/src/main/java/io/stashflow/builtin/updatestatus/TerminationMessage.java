package io.stashflow.builtin.updatestatus;

import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.HostResult;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryAction;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits an {@link UpdateStatusResult} into a termination message of at most {@code limit} UTF-8 bytes (Kubernetes
 * keeps 4096). Shortening goes step by step, stopping as soon as it fits, and always marks the result
 * {@code "truncated": true}:
 * <ol>
 *   <li>drop the hosts' snapshot details;</li>
 *   <li>cut host errors and repository messages to {@value #LONG_TEXT} characters;</li>
 *   <li>leave out hosts, succeeded ones first (failed hosts stay longest), counting them in {@code hostsOmitted};
 *       {@code hostCounts} stays complete;</li>
 *   <li>cut texts further, to {@value #SHORT_TEXT} characters, and repeat step 3; the shorter texts are used
 *       when they let more hosts in.</li>
 * </ol>
 * Phases, errors (shortened), the repository outcome and the counts survive; the full result is in
 * {@code update-status.json}.
 */
public final class TerminationMessage {

    static final int LONG_TEXT = 300;
    static final int SHORT_TEXT = 80;
    static final String CUT_MARKER = "…";

    private TerminationMessage() {
    }

    /** The result as compact JSON of at most {@code limit} UTF-8 bytes. */
    public static String fit(UpdateStatusResult result, int limit) {
        String full = ResultFiles.compactJson(result);
        if (ResultFiles.utf8Length(full) <= limit) {
            return full;
        }
        UpdateStatusResult withoutSnapshots = shorten(result, Integer.MAX_VALUE);
        String json = ResultFiles.compactJson(withoutSnapshots);
        if (ResultFiles.utf8Length(json) <= limit) {
            return json;
        }
        // Prefer the longer texts, unless the shorter ones let more hosts in.
        Fitted best = null;
        for (int textLimit : new int[] {LONG_TEXT, SHORT_TEXT}) {
            Fitted fitted = keepHostsThatFit(shorten(result, textLimit), limit);
            if (fitted != null && (best == null || fitted.hosts() > best.hosts())) {
                best = fitted;
            }
        }
        if (best != null) {
            return best.json();
        }
        // Every text is already short and no host is left: only unbounded identifiers can be too long (they
        // never are for Kubernetes names); cut them as a last resort rather than exceed the limit.
        UpdateStatusResult bare = new UpdateStatusResult(result.version(), result.kind(), cut(result.namespace(), 63),
                cut(result.session(), 63), null, null, cut(result.error(), SHORT_TEXT), result.hostCounts(), List.of(),
                shortenRepository(result.repository(), SHORT_TEXT, true), Boolean.TRUE,
                result.hosts() == null ? null : result.hosts().size());
        return ResultFiles.compactJson(bare);
    }

    private record Fitted(String json, int hosts) {
    }

    /** The most hosts (failed ones first) that fit, or null when not even zero hosts fit. */
    private static Fitted keepHostsThatFit(UpdateStatusResult shortened, int limit) {
        List<HostResult> hosts = shortened.hosts() == null ? List.of() : failedFirst(shortened.hosts());
        int low = 0;
        int high = hosts.size();
        Fitted best = null;
        // binary search for the largest number of hosts that fits
        while (low <= high) {
            int middle = (low + high) >>> 1;
            String json = ResultFiles.compactJson(withHosts(shortened, hosts, middle));
            if (ResultFiles.utf8Length(json) <= limit) {
                best = new Fitted(json, middle);
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return best;
    }

    private static UpdateStatusResult withHosts(UpdateStatusResult result, List<HostResult> hosts, int keep) {
        int omitted = hosts.size() - keep;
        return new UpdateStatusResult(result.version(), result.kind(), result.namespace(), result.session(),
                result.invoker(), result.target(), result.error(), result.hostCounts(),
                result.hosts() == null ? null : List.copyOf(hosts.subList(0, keep)), result.repository(), Boolean.TRUE,
                omitted > 0 ? omitted : null);
    }

    private static List<HostResult> failedFirst(List<HostResult> hosts) {
        List<HostResult> ordered = new ArrayList<>();
        hosts.stream().filter(UpdateStatus::failed).forEach(ordered::add);
        hosts.stream().filter(h -> !UpdateStatus.failed(h)).forEach(ordered::add);
        return ordered;
    }

    private static UpdateStatusResult shorten(UpdateStatusResult result, int textLimit) {
        List<HostResult> hosts = result.hosts() == null ? null : result.hosts().stream()
                .map(h -> new HostResult(h.hostname(), h.phase(), h.duration(), cut(h.error(), textLimit), List.of()))
                .toList();
        return new UpdateStatusResult(result.version(), result.kind(), result.namespace(), result.session(),
                result.invoker(), result.target(), cut(result.error(), textLimit), result.hostCounts(), hosts,
                shortenRepository(result.repository(), textLimit, false), Boolean.TRUE, null);
    }

    private static RepositoryResult shortenRepository(RepositoryResult repository, int textLimit, boolean dropLocation) {
        if (repository == null) {
            return null;
        }
        List<RepositoryAction> actions = repository.actions() == null ? null : repository.actions().stream()
                .map(a -> new RepositoryAction(a.action(), a.stashAction(), a.outcome(), cut(a.message(), textLimit)))
                .toList();
        return new RepositoryResult(dropLocation ? null : cut(repository.location(), Math.max(textLimit, LONG_TEXT)),
                cut(repository.skippedReason(), textLimit), actions, repository.integrity(), repository.totalSize(),
                repository.totalSizeBytes(), repository.snapshotCount(), repository.snapshotsRemovedOnLastCleanup(),
                repository.retentionDryRun());
    }

    /** The text cut to {@code limit} characters, ending with {@value #CUT_MARKER} when it was cut. */
    static String cut(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        return text.substring(0, Math.max(0, limit - 1)) + CUT_MARKER;
    }
}
