package io.stashflow.builtin.pvc;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what restic restored below a staging directory into the restore's destination, by renaming (the staging
 * directory is created inside the destination, so both are on one filesystem and nothing is copied). restic 0.14
 * cannot restore a snapshot's folder into another directory itself: its {@code <snapshot>:<subfolder>} syntax
 * arrived in restic 0.16.
 *
 * <p>Merging follows what an in-place {@code restic restore} does to existing data: an entry that does not exist in
 * the destination is moved there with its metadata; an existing directory is merged into (entries the snapshot
 * does not have are kept) and then gets the restored directory's permissions, times and, when allowed, owner; an
 * existing file or symbolic link is replaced. A directory where the snapshot has a file, or the other way round,
 * fails the restore (restic fails on that too) and leaves the existing entry alone.
 */
final class RestoredTreeMover {

    private static final Logger LOG = LoggerFactory.getLogger(RestoredTreeMover.class);
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private RestoredTreeMover() {
    }

    /**
     * Moves {@code restored} (a directory: its entries; anything else: itself, under its own name) into the
     * directory {@code destination}, deletes {@code staging} (which holds {@code restored}) and finally gives
     * {@code destination} the metadata of the restored directory, as an in-place restore gives it to the
     * recorded path.
     */
    static void relocate(Path restored, Path destination, Path staging) throws IOException {
        if (!Files.exists(restored, NOFOLLOW)) {
            deleteTree(staging);
            return; // the include/exclude patterns left nothing of the recorded path
        }
        if (!Files.isDirectory(restored, NOFOLLOW)) {
            moveEntry(restored, destination.resolve(restored.getFileName().toString()));
            deleteTree(staging);
            return;
        }
        Metadata metadata = Metadata.read(restored);
        moveEntries(restored, destination);
        deleteTree(staging);
        metadata.applyTo(destination);
    }

    /** Deletes a tree without following symbolic links; nothing when it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void moveEntries(Path from, Path into) throws IOException {
        List<Path> entries;
        try (Stream<Path> list = Files.list(from)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            moveEntry(entry, into.resolve(entry.getFileName().toString()));
        }
    }

    private static void moveEntry(Path entry, Path target) throws IOException {
        boolean entryIsDirectory = Files.isDirectory(entry, NOFOLLOW);
        if (!Files.exists(target, NOFOLLOW)) {
            Files.move(entry, target);
            return;
        }
        boolean targetIsDirectory = Files.isDirectory(target, NOFOLLOW);
        if (entryIsDirectory && targetIsDirectory) {
            Metadata metadata = Metadata.read(entry);
            moveEntries(entry, target);
            Files.delete(entry);
            metadata.applyTo(target);
        } else if (!entryIsDirectory && !targetIsDirectory) {
            Files.move(entry, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            throw new FileSystemException(target.toString(), null, "the snapshot has a "
                    + (entryIsDirectory ? "directory" : "file") + " where the target has a "
                    + (targetIsDirectory ? "directory" : "file") + "; remove it and restore again");
        }
    }

    /** A restored directory's permissions, times and owner, read before entries are moved out of it. */
    private record Metadata(PosixFileAttributes posix, BasicFileAttributes basic) {

        static Metadata read(Path dir) throws IOException {
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, NOFOLLOW);
            if (view != null) {
                PosixFileAttributes posix = view.readAttributes();
                return new Metadata(posix, posix);
            }
            return new Metadata(null, Files.readAttributes(dir, BasicFileAttributes.class, NOFOLLOW));
        }

        void applyTo(Path dir) throws IOException {
            if (posix != null) {
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, NOFOLLOW);
                PosixFileAttributes current = view.readAttributes();
                try {
                    if (!current.owner().equals(posix.owner())) {
                        view.setOwner(posix.owner());
                    }
                    if (!current.group().equals(posix.group())) {
                        view.setGroup(posix.group());
                    }
                } catch (IOException e) {
                    // as restic: ownership is restored only where the process may change it (as root)
                    LOG.debug("cannot give {} the restored owner: {}", dir, e.toString());
                }
                view.setPermissions(posix.permissions());
            }
            Files.getFileAttributeView(dir, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(basic.lastModifiedTime(), basic.lastAccessTime(), null);
        }
    }
}
