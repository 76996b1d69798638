package io.stashflow.reporter.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.reporter.api.StashJson;
import io.stashflow.service.logging.LogContext;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the reporter's results back onto one cluster's Stash resources (run by that cluster's agent, with
 * credentials for its own API server only):
 *
 * <ul>
 *   <li>BackupSession / RestoreSession {@code status}: a JSON merge patch of the fields Stashflow owns, through the
 *       status subresource. Never server-side apply, never a strategic merge patch (CRDs do not support it).</li>
 *   <li>Events {@code Host Backup Succeeded}/{@code Host Backup Failed} (and the restore ones) on the session, as
 *       Stash's update-status writes them ({@link HostEvents}).</li>
 *   <li>Repository {@code status}: merge patch through the status subresource.</li>
 *   <li>A tombstone of a session's status (the history limit) deletes the BackupSession, in the background so its
 *       owned objects go with it, as Stash's history cleanup does.</li>
 * </ul>
 *
 * Records of other clusters are ignored. A session or repository that does not exist in the cluster (a session
 * triggered only through Kafka) is skipped. Every write is idempotent, so redelivered records are harmless.
 */
public final class StatusWriteBack {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriteBack.class);

    public static final String STASH_V1BETA1 = "stash.appscode.com/v1beta1";
    public static final String STASH_V1ALPHA1 = "stash.appscode.com/v1alpha1";

    /** Stash's kinds, named fully so the client needs no API discovery round trips. */
    static ResourceDefinitionContext context(String apiVersion, String kind) {
        String plural = switch (kind) {
            case "BackupSession" -> "backupsessions";
            case "RestoreSession" -> "restoresessions";
            case "Repository" -> "repositories";
            default -> throw new IllegalArgumentException("no write-back for kind " + kind);
        };
        return new ResourceDefinitionContext.Builder().withGroup("stash.appscode.com")
                .withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1)).withKind(kind).withPlural(plural)
                .withNamespaced(true).build();
    }

    private final KubernetesClient client;
    private final String cluster;
    private final String component;
    private final Clock clock;

    /**
     * @param cluster   the cluster this agent writes to; records keyed for other clusters are ignored
     * @param component the Events' source component, e.g. {@code stashflow-agent}
     */
    public StatusWriteBack(KubernetesClient client, String cluster, String component, Clock clock) {
        this.client = client;
        this.cluster = cluster;
        this.component = component;
        this.clock = clock;
    }

    /** Applies one record of the session-status topic ({@code status} null: a tombstone). */
    public void applySession(String key, SessionStatus status) {
        RecordKeys.Parts parts = RecordKeys.parse(key);
        if (!parts.cluster().equals(cluster)) {
            return;
        }
        try (LogContext ignored = LogContext.session(parts.cluster(), parts.namespace(), parts.name())) {
            if (status == null) {
                deleteBackupSession(parts.namespace(), parts.name());
                return;
            }
            boolean backup = status.getSessionKey().getKind() == SessionKind.BACKUP;
            String kind = backup ? "BackupSession" : "RestoreSession";
            Resource<GenericKubernetesResource> resource = client.genericKubernetesResources(context(STASH_V1BETA1, kind))
                    .inNamespace(parts.namespace()).withName(parts.name());
            GenericKubernetesResource current = resource.get();
            if (current == null) {
                LOG.debug("{} {}/{} does not exist in cluster {}; status not written", kind, parts.namespace(),
                        parts.name(), cluster);
                return;
            }
            ObjectNode statusJson = backup ? StashJson.backupStatus(status) : StashJson.restoreStatus(status);
            patchStatus(resource, statusJson, kind + " " + parts.namespace() + "/" + parts.name());
            for (HostEvents.HostEvent event : HostEvents.of(status)) {
                createEvent(current, kind, event);
            }
        }
    }

    /** Applies one record of the repository-status topic. */
    public void applyRepository(String key, RepositoryStatus status) {
        RecordKeys.Parts parts = RecordKeys.parse(key);
        if (!parts.cluster().equals(cluster) || status == null) {
            return;
        }
        Resource<GenericKubernetesResource> resource = client.genericKubernetesResources(context(STASH_V1ALPHA1, "Repository"))
                .inNamespace(parts.namespace()).withName(parts.name());
        if (resource.get() == null) {
            LOG.debug("Repository {}/{} does not exist in cluster {}; status not written", parts.namespace(),
                    parts.name(), cluster);
            return;
        }
        patchStatus(resource, StashJson.repositoryStatus(status), "Repository " + parts.namespace() + "/" + parts.name());
    }

    private void patchStatus(Resource<GenericKubernetesResource> resource, ObjectNode status, String what) {
        ObjectNode patch = StashJson.MAPPER.createObjectNode();
        patch.set("status", status);
        String json;
        try {
            json = StashJson.MAPPER.writeValueAsString(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the status of " + what, e);
        }
        try {
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), json);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.debug("{} disappeared before its status was written", what);
                return;
            }
            throw new IllegalStateException("cannot write the status of " + what + " (HTTP " + e.getCode() + ": "
                    + e.getMessage() + "); the agent needs RBAC 'patch' on the status subresource", e);
        }
    }

    private void createEvent(GenericKubernetesResource session, String kind, HostEvents.HostEvent host) {
        Instant now = clock.instant();
        Event event = new EventBuilder()
                .withNewMetadata().withName(host.name()).withNamespace(session.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(STASH_V1BETA1).withKind(kind).withName(session.getMetadata().getName())
                    .withNamespace(session.getMetadata().getNamespace()).withUid(session.getMetadata().getUid())
                    .withResourceVersion(session.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(host.type()).withReason(host.reason()).withMessage(host.message())
                .withFirstTimestamp(StashJson.time(now)).withLastTimestamp(StashJson.time(now)).withCount(1)
                .withNewSource().withComponent(component).endSource()
                .build();
        try {
            client.v1().events().inNamespace(session.getMetadata().getNamespace()).resource(event).create();
            LOG.info("event {} on {} {}: {}", host.reason(), kind, session.getMetadata().getName(), host.message());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                LOG.warn("cannot create event {} on {} {}: {}", host.reason(), kind, session.getMetadata().getName(),
                        e.getMessage());
            }
        }
    }

    private void deleteBackupSession(String namespace, String name) {
        try {
            var deleted = client.genericKubernetesResources(context(STASH_V1BETA1, "BackupSession")).inNamespace(namespace)
                    .withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            if (!deleted.isEmpty()) {
                LOG.info("deleted BackupSession {}/{} (backupHistoryLimit)", namespace, name);
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw new IllegalStateException("cannot delete BackupSession " + namespace + "/" + name + " (HTTP "
                        + e.getCode() + "); the agent needs RBAC 'delete' on backupsessions", e);
            }
        }
    }
}
