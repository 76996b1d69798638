package io.stashflow.builtin.hook;

/** A finished command of an exec hook. */
public record CommandResult(int exitCode, String stdout, String stderr) {

    /** The last {@code max} characters of stdout and stderr, for a message. */
    public String outputTail(int max) {
        String both = (stdout == null ? "" : stdout.strip()) + (stderr == null || stderr.isBlank() ? "" : "\n" + stderr.strip());
        both = both.strip();
        return both.length() <= max ? both : "…" + both.substring(both.length() - max + 1);
    }
}
