package io.stashflow.builtin.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Flags Stash's commands accept that mean nothing in Stashflow. They are accepted, so catalog-style argument
 * lists work unchanged, and ignored with a debug line saying why.
 *
 * <ul>
 *   <li>metrics: status-reporter pushes the metrics from the step outcomes; the built-in Functions never push;</li>
 *   <li>storage Secret name and namespace: the Secret's keys arrive as environment variables (envFrom), never
 *       through the Kubernetes API;</li>
 *   <li>licensing, analytics and Stash operator switches: there is no licence server and no analytics.</li>
 * </ul>
 */
public final class IgnoredStashOptions {

    private static final Logger LOG = LoggerFactory.getLogger(IgnoredStashOptions.class);

    @Option(names = "--metrics-enabled", arity = "0..1", fallbackValue = "true", hidden = true)
    void metricsEnabled(String value) {
        ignore("--metrics-enabled", "status-reporter pushes the metrics");
    }

    @Option(names = "--metrics-pushgateway-url", hidden = true)
    void metricsPushgatewayUrl(String value) {
        ignore("--metrics-pushgateway-url", "status-reporter pushes the metrics");
    }

    @Option(names = "--metrics-dir", hidden = true)
    void metricsDir(String value) {
        ignore("--metrics-dir", "status-reporter pushes the metrics");
    }

    @Option(names = "--metrics-labels", hidden = true)
    void metricsLabels(String value) {
        ignore("--metrics-labels", "status-reporter pushes the metrics");
    }

    @Option(names = "--pushgateway-url", hidden = true)
    void pushgatewayUrl(String value) {
        ignore("--pushgateway-url", "status-reporter pushes the metrics");
    }

    @Option(names = "--license-apiservice", hidden = true)
    void licenseApiService(String value) {
        ignore("--license-apiservice", "Stashflow has no licence server");
    }

    @Option(names = "--storage-secret-name", hidden = true)
    void storageSecretName(String value) {
        ignore("--storage-secret-name", "the Secret's keys come in as environment variables (envFrom)");
    }

    @Option(names = "--storage-secret-namespace", hidden = true)
    void storageSecretNamespace(String value) {
        ignore("--storage-secret-namespace", "the Secret's keys come in as environment variables (envFrom)");
    }

    @Option(names = "--enable-analytics", arity = "0..1", fallbackValue = "true", hidden = true)
    void enableAnalytics(String value) {
        ignore("--enable-analytics", "Stashflow sends no analytics");
    }

    @Option(names = "--use-kubeapiserver-fqdn-for-aks", arity = "0..1", fallbackValue = "true", hidden = true)
    void useKubeApiServerFqdnForAks(String value) {
        ignore("--use-kubeapiserver-fqdn-for-aks", "the Kubernetes client uses the standard configuration");
    }

    @Option(names = "--bypass-validating-webhook-xray", arity = "0..1", fallbackValue = "true", hidden = true)
    void bypassValidatingWebhookXray(String value) {
        ignore("--bypass-validating-webhook-xray", "Stashflow has no validating webhook");
    }

    private static void ignore(String flag, String why) {
        LOG.debug("ignoring Stash flag {}: {}", flag, why);
    }
}
