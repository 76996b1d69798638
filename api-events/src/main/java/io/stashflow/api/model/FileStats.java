package io.stashflow.api.model;

public record FileStats(Long totalFiles, Long newFiles, Long modifiedFiles, Long unmodifiedFiles) {
}
