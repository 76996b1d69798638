package io.stashflow.api.model;

public record BackupHooks(HookHandler preBackup, PostHookHandler postBackup) {
}
