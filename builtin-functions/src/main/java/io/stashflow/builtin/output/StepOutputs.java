package io.stashflow.builtin.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stashflow.api.model.HostBackupStats;
import io.stashflow.api.model.HostRestoreStats;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.api.model.TargetRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * {@code <output-dir>/output.json}, the contract between a Task's steps: Stash's {@code BackupOutput}
 * ({@code {"targetStatus":{"ref":..,"stats":[HostBackupStats..]}}}) or {@code RestoreOutput}
 * ({@code {"targetStatus":{"ref":..,"stats":[HostRestoreStats..]}}}), stashed/apimachinery
 * {@code pkg/restic/output.go}. Catalog addons write it too, so fields this model does not know are ignored
 * when reading.
 */
public final class StepOutputs {

    /** The file name every step uses. */
    public static final String FILE_NAME = "output.json";

    private static final ObjectMapper WRITER = StashResourceReader.jsonMapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private StepOutputs() {
    }

    /** Stash's BackupOutput. */
    public record BackupOutput(BackupTargetOutput targetStatus) {
    }

    /** The backup part of Stash's {@code BackupTargetStatus} that the addon writes. */
    public record BackupTargetOutput(TargetRef ref, List<HostBackupStats> stats) {
        public BackupTargetOutput {
            stats = stats == null ? List.of() : List.copyOf(stats);
        }
    }

    /** Stash's RestoreOutput. */
    public record RestoreOutput(RestoreTargetOutput targetStatus) {
    }

    /** The restore part of Stash's {@code RestoreMemberStatus} that the addon writes. */
    public record RestoreTargetOutput(TargetRef ref, List<HostRestoreStats> stats) {
        public RestoreTargetOutput {
            stats = stats == null ? List.of() : List.copyOf(stats);
        }
    }

    /** Thrown when output.json is missing or not in the expected shape; the message says which and where. */
    public static final class UnreadableOutputException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnreadableOutputException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Path file(Path outputDirectory) {
        return outputDirectory.resolve(FILE_NAME);
    }

    public static void writeBackup(Path outputDirectory, BackupOutput output) throws IOException {
        write(file(outputDirectory), output);
    }

    public static void writeRestore(Path outputDirectory, RestoreOutput output) throws IOException {
        write(file(outputDirectory), output);
    }

    public static BackupOutput readBackup(Path outputDirectory) throws UnreadableOutputException {
        BackupOutput output = read(file(outputDirectory), BackupOutput.class);
        if (output.targetStatus() == null) {
            return new BackupOutput(new BackupTargetOutput(null, List.of()));
        }
        return output;
    }

    public static RestoreOutput readRestore(Path outputDirectory) throws UnreadableOutputException {
        RestoreOutput output = read(file(outputDirectory), RestoreOutput.class);
        if (output.targetStatus() == null) {
            return new RestoreOutput(new RestoreTargetOutput(null, List.of()));
        }
        return output;
    }

    private static <T> T read(Path file, Class<T> type) throws UnreadableOutputException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UnreadableOutputException(file + " does not exist: the step before this one wrote no output;"
                    + " check that it ran with the same --output-dir (outputDir param)", e);
        } catch (IOException e) {
            throw new UnreadableOutputException("cannot read " + file + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), e);
        }
        try {
            return StashResourceReader.jsonMapper().readValue(content, type);
        } catch (JsonProcessingException e) {
            throw new UnreadableOutputException(file + " is not a Stash " + type.getSimpleName() + " ("
                    + "{\"targetStatus\":{\"ref\":..,\"stats\":[..]}}): " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UnreadableOutputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the file readable and writable for everyone, as Stash does: the steps of a pod can run as different
     * users.
     */
    private static void write(Path file, Object output) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, WRITER.writeValueAsString(output).getBytes(StandardCharsets.UTF_8));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (UnsupportedOperationException | IOException e) {
            // not fatal: the file is written, only other users of the pod may not overwrite it
        }
    }
}
