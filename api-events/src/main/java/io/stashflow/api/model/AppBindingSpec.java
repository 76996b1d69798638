package io.stashflow.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import java.util.List;
import java.util.Optional;

/**
 * @param appRef the underlying application; kmodules also allows {@code namespace} here, which fabric8's
 *     {@link TypedLocalObjectReference} keeps in its additional properties
 * @param secret the credentials Secret (only its name; Stash never copies the values into the AppBinding)
 * @param secretTransforms kept as written: Stash itself never interprets them
 * @param parameters free-form; Stash reads {@code stash.addon} from it, see {@link #stashAddon()}
 */
public record AppBindingSpec(
        String type,
        TypedLocalObjectReference appRef,
        String version,
        ClientConfig clientConfig,
        LocalObjectReference secret,
        List<JsonNode> secretTransforms,
        JsonNode parameters,
        LocalObjectReference tlsSecret) {

    public AppBindingSpec {
        secretTransforms = ModelCollections.list(secretTransforms);
    }

    /**
     * The Stash addon declared in {@code spec.parameters.stash.addon}: the default backup and restore Tasks for
     * this application. Empty when the parameters do not declare one.
     *
     * @throws IllegalArgumentException when {@code stash.addon} is present but not shaped like
     *     {@code {backupTask: {name, params[]}, restoreTask: {name, params[]}}}
     */
    public Optional<StashAddon> stashAddon() {
        if (parameters == null) {
            return Optional.empty();
        }
        JsonNode addon = parameters.path("stash").path("addon");
        if (addon.isMissingNode() || addon.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(StashResourceReader.jsonMapper().treeToValue(addon, StashAddon.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.parameters.stash.addon"
                    + JsonPaths.suffix(e) + ": " + JsonPaths.problem(e, addon)
                    + " (expected backupTask and restoreTask, each with a name and a params list)", e);
        }
    }
}
