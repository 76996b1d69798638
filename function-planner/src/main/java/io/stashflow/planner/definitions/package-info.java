/**
 * The planner's view of the Stash resources: the {@code stash.definitions} topic read into a
 * {@link io.stashflow.planner.definitions.DefinitionsView} (the resolver's
 * {@link io.stashflow.planner.resolver.DefinitionLookup} per cluster), and the directory source that publishes a
 * directory of YAML/JSON files there ({@link io.stashflow.planner.definitions.DirectoryDefinitionSource}).
 */
package io.stashflow.planner.definitions;
