package io.stashflow.api.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod annotation that keeps each container's {@link StepInfo}. A pod built from a plan carries it, so an agent that
 * restarts can tell from the pod alone which Task step each container is, and a pod read back becomes the same plan.
 *
 * <p>Format: a JSON array in execution order, {@code [{"container":"pg-backup-0","index":0,"function":"pg-backup",
 * "role":"STEP","fulfilledByReporter":false}, ...]}.
 */
public final class StepAnnotation {

    /** Annotation key on the pod. */
    public static final String KEY = "stashflow.io/steps";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepAnnotation() {
    }

    /** The annotation value for containers in execution order. */
    public static String write(List<Map.Entry<String, StepInfo>> stepsInOrder) {
        ArrayNode array = JSON.createArrayNode();
        for (Map.Entry<String, StepInfo> entry : stepsInOrder) {
            StepInfo step = entry.getValue();
            ObjectNode node = array.addObject();
            node.put("container", entry.getKey());
            node.put("index", step.getIndex());
            node.put("function", step.getFunctionName());
            node.put("role", step.getRole().name());
            node.put("fulfilledByReporter", step.getFulfilledByReporter());
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + KEY + " annotation", e);
        }
    }

    /**
     * Reads the annotation value into container name → step, in execution order.
     *
     * @throws PodPlanMappingException when the value is not the documented JSON array
     */
    public static Map<String, StepInfo> read(String value) {
        Map<String, StepInfo> steps = new LinkedHashMap<>();
        JsonNode array;
        try {
            array = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new PodPlanMappingException("annotation " + KEY + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (array == null || !array.isArray()) {
            throw new PodPlanMappingException("annotation " + KEY + " must be a JSON array of steps", List.of(KEY));
        }
        for (JsonNode node : array) {
            String container = node.path("container").asText(null);
            String function = node.path("function").asText(null);
            String role = node.path("role").asText("STEP");
            if (container == null || function == null || !node.path("index").canConvertToInt()) {
                throw new PodPlanMappingException("annotation " + KEY + " has a step without container, index or"
                        + " function: " + node, List.of(KEY));
            }
            StepRole stepRole;
            try {
                stepRole = StepRole.valueOf(role);
            } catch (IllegalArgumentException e) {
                throw new PodPlanMappingException("annotation " + KEY + " names unknown role '" + role + "' for container "
                        + container + "; expected one of " + List.of(StepRole.values()), List.of(KEY));
            }
            steps.put(container, StepInfo.newBuilder()
                    .setIndex(node.get("index").asInt())
                    .setFunctionName(function)
                    .setRole(stepRole)
                    .setFulfilledByReporter(node.path("fulfilledByReporter").asBoolean(false))
                    .build());
        }
        return steps;
    }
}
