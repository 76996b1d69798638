/**
 * The substitution language of Stash: a re-implementation of gomodules.xyz/envsubst v0.2.0
 * {@code EvalMap} (a fork of drone/envsubst v2), checked against every upstream test case in
 * {@code shared/conformance/envsubst-upstream.tsv}.
 *
 * <p>Entry points: {@link io.stashflow.planner.envsubst.Envsubst#evalMap} for one-shot use, and
 * {@link io.stashflow.planner.envsubst.EnvsubstTemplate} to parse once, evaluate many times and list
 * the variables a template references. Every failure is an
 * {@link io.stashflow.planner.envsubst.EnvsubstException} whose message is the upstream error text.
 *
 * <p>Where upstream has no defined behaviour, this implementation decides as follows:
 * <ul>
 *   <li>A negative substring length ({@code ${X:1:-1}}), or an offset plus length beyond the int64
 *       range, makes Go panic; here it is an {@code EnvsubstException} of kind {@code BAD_ARGUMENT}.</li>
 *   <li>Expressions nested more than 200 deep are rejected with kind {@code PARSE} instead of risking
 *       a stack overflow; top-level length is unlimited.</li>
 *   <li>Strings are UTF-8 bytes as in Go. A substring or prefix removal that cuts a character leaves
 *       stray bytes, which come out as one U+FFFD each, as Stash's JSON round trip makes them.</li>
 *   <li>Like upstream, a NUL character ends the input: text after it is dropped. Stash never sees
 *       raw NUL (it substitutes JSON text, where NUL is escaped).</li>
 * </ul>
 * Work is linear in the template's length; the remove-pattern functions, which upstream runs in
 * quadratic time, cost O(value length × pattern length) here.
 */
package io.stashflow.planner.envsubst;
