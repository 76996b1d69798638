package io.stashflow.planner.definitions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a definitions directory has to publish to make {@code stash.definitions} match its files. Pure: given what
 * the directory published before and what its files hold now, it lists the records to write.
 *
 * <ul>
 *   <li>a document that is new, or whose JSON or file changed, is published;</li>
 *   <li>a key published from the directory that no file holds any more gets a tombstone (deleted file, deleted
 *       document, renamed resource);</li>
 *   <li>except that nothing published from a file with problems is deleted: a half-edited file keeps its last good
 *       definitions until it is fixed, so a typo does not delete a BackupConfiguration and stop its backups;</li>
 *   <li>when two files define the same resource, the later path (in sorted order) wins, with a warning.</li>
 * </ul>
 */
public final class DefinitionSync {

    private DefinitionSync() {
    }

    /** A definition the directory published earlier: its JSON and the file it came from. */
    public record Published(String json, String source) {
    }

    /** A document to publish, with its file. */
    public record Upsert(DefinitionFiles.Document document, Path file) {
    }

    /** A problem of a file, to reject. */
    public record Rejection(Path file, DefinitionFiles.Problem problem) {
    }

    /** The records to write. */
    public record Changes(List<Upsert> upserts, List<String> tombstones, List<Rejection> rejections,
                          List<String> warnings) {
        public Changes {
            upserts = List.copyOf(upserts);
            tombstones = List.copyOf(tombstones);
            rejections = List.copyOf(rejections);
            warnings = List.copyOf(warnings);
        }

        public boolean isEmpty() {
            return upserts.isEmpty() && tombstones.isEmpty() && rejections.isEmpty();
        }
    }

    /**
     * @param published what the directory published before, by definition key
     * @param files     every file of the directory now, in sorted order
     */
    public static Changes changes(Map<String, Published> published, List<DefinitionFiles.FileContent> files) {
        Map<String, Upsert> desired = new LinkedHashMap<>();
        Set<String> filesWithProblems = new HashSet<>();
        List<Rejection> rejections = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (DefinitionFiles.FileContent file : files) {
            if (!file.problems().isEmpty()) {
                filesWithProblems.add(file.file().toString());
                file.problems().forEach(p -> rejections.add(new Rejection(file.file(), p)));
            }
            for (DefinitionFiles.Document document : file.documents()) {
                Upsert previous = desired.put(document.key(), new Upsert(document, file.file()));
                if (previous != null) {
                    warnings.add(document.kind().kind() + " " + describe(document) + " is defined in "
                            + previous.file() + " and " + file.file() + "; the one in " + file.file() + " is used");
                }
                document.warnings().forEach(warnings::add);
            }
        }
        List<Upsert> upserts = new ArrayList<>();
        for (Map.Entry<String, Upsert> entry : desired.entrySet()) {
            Published before = published.get(entry.getKey());
            Upsert now = entry.getValue();
            if (before == null || !before.json().equals(now.document().json())
                    || !Objects.equals(before.source(), now.file().toString())) {
                upserts.add(now);
            }
        }
        List<String> tombstones = new ArrayList<>();
        for (Map.Entry<String, Published> entry : published.entrySet()) {
            if (!desired.containsKey(entry.getKey()) && !filesWithProblems.contains(entry.getValue().source())) {
                tombstones.add(entry.getKey());
            }
        }
        tombstones.sort(null);
        return new Changes(upserts, tombstones, rejections, warnings);
    }

    private static String describe(DefinitionFiles.Document document) {
        return document.namespace().isEmpty() ? document.name() : document.namespace() + "/" + document.name();
    }
}
