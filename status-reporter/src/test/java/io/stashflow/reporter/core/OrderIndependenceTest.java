package io.stashflow.reporter.core;

import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.host;
import static io.stashflow.reporter.Fixtures.repositoryResult;
import static io.stashflow.reporter.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures;
import io.stashflow.reporter.Fixtures.Session;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any order or duplication of the same inputs, retry marks included, gives the same final status. */
class OrderIndependenceTest {

    /** A session's inputs in the order the executor would emit them, and one permutation with duplicates. */
    record Scenario(List<Object> canonical, List<Object> delivered) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> targets = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> hosts = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> outcome = Arbitraries.integers().between(0, 6);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(targets, hosts, outcome, seed).as((t, h, o, s) -> build(t, h, o, s));
    }

    /** Builds the canonical input list for {@code targets} targets of {@code hosts} hosts ending in scenario {@code kind}. */
    static Scenario build(int targets, int hosts, int kind, long seed) {
        SessionKey key = backupKey("prop-" + targets + "-" + hosts + "-" + kind);
        Session s = new Session(key).targets(targets).hosts(hosts);
        List<Object> in = new ArrayList<>();
        in.add(request(key, 0));
        for (int t = 0; t < targets; t++) {
            long start = 10 + t * 100L;
            in.add(s.started(t, 0, "addon-0", StepRole.STEP, start));
            boolean last = t == targets - 1;
            switch (kind) {
                case 1 -> { // a step fails on the last target
                    if (last) {
                        in.add(s.failed(t, 0, "addon-0", StepRole.STEP, start + 5, "Error", "boom"));
                        continue;
                    }
                }
                case 2 -> { // pre-hook failure on target 0
                    if (t == 0) {
                        in.add(s.failed(t, 0, "pre-task-hook", StepRole.PRE_HOOK, start + 1, "Error", "hook"));
                        continue;
                    }
                }
                case 3 -> { // a retried attempt succeeds after a failed one
                    in.add(s.failed(t, 0, "addon-0", StepRole.STEP, start + 2, "Evicted", "node pressure"));
                    s.attempt(2);
                }
                default -> { }
            }
            in.add(s.succeeded(t, 0, "addon-0", StepRole.STEP, start + 20));
            in.add(s.started(t, 1, "update-status-1", StepRole.UPDATE_STATUS, start + 21));
            List<io.stashflow.events.HostStats> stats = new ArrayList<>();
            for (int h = 0; h < hosts; h++) {
                boolean failed = kind == 4 && h == hosts - 1;
                stats.add(host("host-" + h, failed ? "Failed" : "Succeeded", failed ? "dump failed" : null));
            }
            in.add(s.updateStatus(t, start + 30, stats, last ? repositoryResult(kind != 5, kind != 6) : null));
            s.attempt(1);
        }
        if (kind == 0 && targets > 1) {
            in.add(s.rejected(targets - 1, "Function missing", 5));
        }
        boolean fails = kind == 1 || kind == 2 || kind == 4 || kind == 5 || kind == 6 || (kind == 0 && targets > 1);
        if (fails) {
            // the planner retried it (twice requested, as after a planner restart): the earliest request counts
            in.add(RetriedSessionTest.retried(key, "prop-retry-b", 1600));
            in.add(RetriedSessionTest.retried(key, "prop-retry-a", 1500));
        }
        java.util.Random random = new java.util.Random(seed);
        List<Object> delivered = new ArrayList<>(in);
        int duplicates = random.nextInt(in.size() + 1);
        for (int i = 0; i < duplicates; i++) {
            delivered.add(in.get(random.nextInt(in.size())));
        }
        java.util.Collections.shuffle(delivered, random);
        return new Scenario(in, delivered);
    }

    static SessionStatus finalStatus(List<Object> inputs) {
        SessionFacts facts = PhaseTableTest.facts(((io.stashflow.events.SessionRequested) inputs.stream()
                .filter(i -> i instanceof io.stashflow.events.SessionRequested).findFirst().orElseThrow())
                .getSessionName().startsWith("prop") ? keyOf(inputs) : keyOf(inputs), inputs);
        facts.addSignal(PhaseTableTest.metricsPushed(facts.key(), true, 1000));
        return StatusProjector.project(facts, PhaseTableTest.GATED).status();
    }

    static SessionKey keyOf(List<Object> inputs) {
        var r = (io.stashflow.events.SessionRequested) inputs.stream()
                .filter(i -> i instanceof io.stashflow.events.SessionRequested).findFirst().orElseThrow();
        return new SessionKey(r.getCluster(), r.getNamespace(), r.getSessionName(), r.getKind());
    }

    @Property(tries = 300)
    void anyOrderAndDuplicationGivesTheSameFinalStatus(@ForAll("scenarios") Scenario scenario) {
        SessionStatus expected = finalStatus(scenario.canonical());
        SessionStatus actual = finalStatus(scenario.delivered());
        assertEquals(expected.toString(), actual.toString());
        assertTrue(io.stashflow.reporter.core.AvroValues.same(expected, actual));
        assertEquals(true, Phases.isFinal(actual.getPhase()), actual.getPhase());
    }

    @Property(tries = 100)
    void theOutcomeOfEachScenarioKindIsStashs(@ForAll("scenarios") Scenario scenario) {
        SessionStatus status = finalStatus(scenario.delivered());
        String name = status.getSessionKey().getName();
        int kind = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        int targets = Integer.parseInt(name.split("-")[1]);
        boolean rejected = kind == 0 && targets > 1;
        String expected = kind == 3 || (kind == 0 && !rejected) ? Phases.SUCCEEDED : Phases.FAILED;
        assertEquals(expected, status.getPhase(), "scenario " + name);
        boolean retried = expected.equals(Phases.FAILED);
        assertEquals(retried ? Boolean.TRUE : null, status.getRetried(), "scenario " + name);
        assertEquals(retried ? Fixtures.at(1500) : null, status.getNextRetry(), "scenario " + name);
    }
}
