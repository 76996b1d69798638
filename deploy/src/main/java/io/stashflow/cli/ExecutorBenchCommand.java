package io.stashflow.cli;

import io.stashflow.executor.bench.ExecutorBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow bench executor}: plans/s turned into pod creations, consumed→created latency, and the heap with
 * every pod in flight under one informer. See {@link ExecutorBenchmark} for the set-up.
 */
@Command(
        name = "executor",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the job executor against the fabric8 mock API server (simulated: no kubelet, pods stay Pending):"
                    + " plans/s turned into pods (burst, and the agent alone as baseline), p50/p99 from plan consumed"
                    + " to pod created at a steady rate, and the heap after GC with all pods in flight (one informer).",
            "Exit status 1 when the heap is over --heap-limit-mib or more than one informer watches the pods.",
        })
public final class ExecutorBenchCommand implements Callable<Integer> {

    @Option(names = "--plans", defaultValue = "10000", description = "Plans in the burst (default: ${DEFAULT-VALUE}).")
    int plans;

    @Option(names = "--paced-plans", defaultValue = "500",
            description = "Plans at a steady rate after the burst (default: ${DEFAULT-VALUE}).")
    int pacedPlans;

    @Option(names = "--rate", defaultValue = "25",
            description = "Plans per second of the paced phase; keep it under the API server's ceiling to see the"
                    + " latency of a steady flow rather than a queue (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--heap-limit-mib", defaultValue = "512",
            description = "Heap budget with every pod in flight (default: ${DEFAULT-VALUE}).")
    long heapLimitMiB;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchSupport.quietServiceLogs();
        PrintWriter out = spec.commandLine().getOut();
        out.println("command line: stashflow bench executor --plans " + plans + " --paced-plans " + pacedPlans
                + " --rate " + rate + " --heap-limit-mib " + heapLimitMiB);
        ExecutorBenchmark.Result result = new ExecutorBenchmark(
                new ExecutorBenchmark.Options(plans, pacedPlans, rate, heapLimitMiB), out).run();
        return result.heapUsedMiB() < heapLimitMiB && result.informers() == 1 ? 0 : 1;
    }
}
