package io.stashflow.service.config;

import java.util.List;

/**
 * A service's configuration is invalid. Carries every problem found, not only the first, so one start attempt shows
 * the operator everything to fix.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigException(String service, List<String> problems) {
        super("invalid configuration of " + service + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as one sentence naming the setting, where it can be given and how to fix it. */
    public List<String> problems() {
        return problems;
    }
}
