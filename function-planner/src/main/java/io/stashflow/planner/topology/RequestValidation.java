package io.stashflow.planner.topology;

import io.stashflow.events.SessionRequested;
import java.util.Optional;

/** Checks that a request can be keyed and stored at all; what it asks for is judged later, with the definitions. */
final class RequestValidation {

    private RequestValidation() {
    }

    static Optional<String> problem(SessionRequested request) {
        Optional<String> problem = segment("cluster", request.getCluster());
        if (problem.isEmpty()) {
            problem = segment("namespace", request.getNamespace());
        }
        if (problem.isEmpty()) {
            problem = segment("sessionName", request.getSessionName());
        }
        return problem.map(p -> "SessionRequested " + request.getCluster() + "/" + request.getNamespace() + "/"
                + request.getSessionName() + ": " + p);
    }

    private static Optional<String> segment(String field, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(field + " is empty; every session needs a cluster, a namespace and a name");
        }
        if (value.contains("/")) {
            return Optional.of(field + " '" + value + "' contains '/', which Kubernetes names cannot; fix the"
                    + " producer of the request");
        }
        return Optional.empty();
    }
}
