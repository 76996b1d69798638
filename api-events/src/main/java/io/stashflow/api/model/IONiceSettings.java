package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * @param ioClass the {@code ionice -c} class; JSON field {@code class}, renamed because it is a Java keyword
 * @param classData the {@code ionice -n} priority within the class
 */
public record IONiceSettings(@JsonProperty("class") Integer ioClass, Integer classData) {
}
