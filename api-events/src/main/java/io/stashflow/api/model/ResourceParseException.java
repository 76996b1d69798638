package io.stashflow.api.model;

/**
 * A document that cannot be read as a Stash resource. The message names the source, the document index, the
 * resource (when known), the JSON field path and the problem.
 */
public class ResourceParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ResourceParseException(String message) {
        super(message);
    }

    public ResourceParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
