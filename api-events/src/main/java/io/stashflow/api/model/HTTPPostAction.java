package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/** kmodules prober's HTTP POST action (Kubernetes probes have only GET). Send either {@code body} or {@code form}. */
public record HTTPPostAction(
        String path,
        IntOrString port,
        String host,
        String scheme,
        List<HTTPHeader> httpHeaders,
        String body,
        List<FormEntry> form) {

    public HTTPPostAction {
        httpHeaders = ModelCollections.list(httpHeaders);
        form = ModelCollections.list(form);
    }
}
