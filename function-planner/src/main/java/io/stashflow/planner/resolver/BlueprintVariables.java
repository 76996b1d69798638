package io.stashflow.planner.resolver;

import static io.stashflow.planner.resolver.VariableNames.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupBlueprintSpec;
import io.stashflow.api.model.TargetRef;
import io.stashflow.planner.envsubst.Envsubst;
import io.stashflow.planner.envsubst.EnvsubstException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * BackupBlueprint strings (section 1.8): a blueprint's backend prefix, schedule, params and so on may use
 * {@code TARGET_API_VERSION}, {@code TARGET_KIND} (lower-cased, as Stash did), {@code TARGET_NAME},
 * {@code TARGET_NAMESPACE} and, for an AppBinding target, {@code TARGET_APP_VERSION}, {@code TARGET_APP_TYPE},
 * {@code TARGET_APP_GROUP} and {@code TARGET_APP_RESOURCE} (the type {@code group/resource} split at its last
 * {@code /}). They are resolved with the same envsubst rules as Functions.
 */
public final class BlueprintVariables {

    private BlueprintVariables() {
    }

    /**
     * The variables for a target that opted in to a blueprint.
     *
     * @param appBinding the target AppBinding, or {@code null} when the target is not one
     */
    public static Map<String, String> forTarget(TargetRef target, AppBinding appBinding) {
        Map<String, String> values = new LinkedHashMap<>();
        putIfPresent(values, TARGET_API_VERSION, target.apiVersion());
        putIfPresent(values, TARGET_KIND, target.kind() == null ? null : target.kind().toLowerCase(Locale.ROOT));
        putIfPresent(values, TARGET_NAME, target.name());
        putIfPresent(values, TARGET_NAMESPACE, target.namespace());
        if (appBinding != null && appBinding.spec() != null) {
            String type = appBinding.spec().type();
            putIfPresent(values, TARGET_APP_VERSION, appBinding.spec().version());
            if (type != null && !type.isEmpty()) {
                values.put(TARGET_APP_TYPE, type);
                int slash = type.lastIndexOf('/');
                values.put(TARGET_APP_GROUP, slash < 0 ? "" : type.substring(0, slash));
                values.put(TARGET_APP_RESOURCE, slash < 0 ? type : type.substring(slash + 1));
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /**
     * Resolves one blueprint string.
     *
     * @param fieldPath where the string comes from, for the error (e.g. {@code spec.backend.s3.prefix})
     */
    public static String resolve(String blueprintName, String fieldPath, String text, Map<String, String> values)
            throws ResolutionException {
        try {
            return Envsubst.evalMap(text, values);
        } catch (EnvsubstException e) {
            throw StashResolver.substitutionFailure("BackupBlueprint", blueprintName, fieldPath, e,
                    "can't resolve BackupBlueprint " + blueprintName,
                    "blueprints can use TARGET_API_VERSION, TARGET_KIND, TARGET_NAME, TARGET_NAMESPACE and, for an"
                            + " AppBinding target, TARGET_APP_VERSION, TARGET_APP_TYPE, TARGET_APP_GROUP,"
                            + " TARGET_APP_RESOURCE; give other placeholders a default (${X:=value})");
        }
    }

    /** The blueprint's spec with every string resolved field by field. */
    public static BackupBlueprintSpec resolveSpec(BackupBlueprint blueprint, Map<String, String> values)
            throws ResolutionException {
        JsonNode tree = Json.MAPPER.valueToTree(blueprint.spec());
        JsonNode resolved;
        try {
            resolved = SpecSubstitution.substitute(tree, "spec", values);
        } catch (SpecSubstitution.SubstitutionFailedException e) {
            throw StashResolver.substitutionFailure("BackupBlueprint", blueprint.name(), e.failure().path(),
                    e.failure().cause(), "can't resolve BackupBlueprint " + blueprint.name(),
                    "blueprints can use TARGET_API_VERSION, TARGET_KIND, TARGET_NAME, TARGET_NAMESPACE and the"
                            + " TARGET_APP_* variables; give other placeholders a default (${X:=value})");
        }
        try {
            return Json.MAPPER.treeToValue(resolved, BackupBlueprintSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ResolutionException(ResolutionException.Reason.INVALID_INPUT, "BackupBlueprint",
                    blueprint.name(), "spec", null, "BackupBlueprint " + blueprint.name()
                            + " is not a valid blueprint after substitution: " + e.getMessage(), e);
        }
    }

    private static void putIfPresent(Map<String, String> values, String key, String value) {
        if (value != null && !value.isEmpty()) {
            values.put(key, value);
        }
    }
}
