package io.stashflow.api.model;

public record RestoreHooks(HookHandler preRestore, PostHookHandler postRestore) {
}
