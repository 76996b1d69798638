package io.stashflow.reporter.streams;

import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.events.ReporterSignal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link SessionFacts}: a version byte, the session key, then each fact as a length-prefixed,
 * Confluent-framed Avro record written with the same serde (and subject) as the topic it came from. The facts therefore
 * carry their writer schema id, and a store (or its changelog) written before a compatible schema change still reads
 * back after it.
 */
public final class SessionFactsSerde implements Serde<SessionFacts>, Serializer<SessionFacts>, Deserializer<SessionFacts> {

    private static final byte VERSION = 1;

    private final ReporterSerdes serdes;
    private final String requestsTopic;
    private final String outcomesTopic;
    private final String rejectionsTopic;
    private final String signalsTopic;
    private final String statusTopic;

    public SessionFactsSerde(ReporterSerdes serdes, String requestsTopic, String outcomesTopic, String rejectionsTopic,
                             String signalsTopic, String statusTopic) {
        this.serdes = serdes;
        this.requestsTopic = requestsTopic;
        this.outcomesTopic = outcomesTopic;
        this.rejectionsTopic = rejectionsTopic;
        this.signalsTopic = signalsTopic;
        this.statusTopic = statusTopic;
    }

    @Override
    public byte[] serialize(String topic, SessionFacts facts) {
        if (facts == null) {
            return null;
        }
        SessionFacts.Snapshot s = facts.snapshot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(s.key().getCluster());
            out.writeUTF(s.key().getNamespace());
            out.writeUTF(s.key().getName());
            out.writeUTF(s.key().getKind().name());
            writeBlob(out, s.request() == null ? null : serdes.sessionRequested.serializer().serialize(requestsTopic, s.request()));
            out.writeInt(s.outcomes().size());
            for (StepOutcome o : s.outcomes()) {
                writeBlob(out, serdes.stepOutcome.serializer().serialize(outcomesTopic, o));
            }
            out.writeInt(s.rejections().size());
            for (PlanRejected r : s.rejections()) {
                writeBlob(out, serdes.planRejected.serializer().serialize(rejectionsTopic, r));
            }
            out.writeInt(s.signals().size());
            for (ReporterSignal signal : s.signals()) {
                writeBlob(out, serdes.signal.serializer().serialize(signalsTopic, signal));
            }
            writeString(out, s.finalPhase());
            writeString(out, s.finalDuration());
            writeBlob(out, s.lastStatus() == null ? null : serdes.sessionStatus.serializer().serialize(statusTopic, s.lastStatus()));
            out.writeLong(s.deletedAt() == null ? -1 : s.deletedAt().toEpochMilli());
            writeString(out, s.lastRepositoryOutcomeId());
            out.writeLong(s.pushRequestedAt() == null ? -1 : s.pushRequestedAt().toEpochMilli());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public SessionFacts deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("session facts in store format " + version + ", this reporter reads "
                        + VERSION + "; reset the reporter's application (state) to rebuild them");
            }
            SessionKey key = new SessionKey(in.readUTF(), in.readUTF(), in.readUTF(), SessionKind.valueOf(in.readUTF()));
            byte[] request = readBlob(in);
            SessionRequested requested = request == null ? null
                    : serdes.sessionRequested.deserializer().deserialize(requestsTopic, request);
            List<StepOutcome> outcomes = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                outcomes.add(serdes.stepOutcome.deserializer().deserialize(outcomesTopic, readBlob(in)));
            }
            List<PlanRejected> rejections = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                rejections.add(serdes.planRejected.deserializer().deserialize(rejectionsTopic, readBlob(in)));
            }
            List<ReporterSignal> signals = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                signals.add(serdes.signal.deserializer().deserialize(signalsTopic, readBlob(in)));
            }
            String finalPhase = readString(in);
            String finalDuration = readString(in);
            byte[] status = readBlob(in);
            SessionStatus lastStatus = status == null ? null : serdes.sessionStatus.deserializer().deserialize(statusTopic, status);
            long deleted = in.readLong();
            String repositoryOutcome = readString(in);
            long pushRequested = in.readLong();
            return SessionFacts.restore(new SessionFacts.Snapshot(key, requested, outcomes, rejections, signals,
                    finalPhase, finalDuration, lastStatus, deleted < 0 ? null : Instant.ofEpochMilli(deleted),
                    repositoryOutcome, pushRequested < 0 ? null : Instant.ofEpochMilli(pushRequested)));
        } catch (IOException e) {
            throw new SerializationException("corrupt session facts in the reporter's store: " + e.getMessage(), e);
        }
    }

    private static void writeBlob(DataOutputStream out, byte[] blob) throws IOException {
        if (blob == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(blob.length);
            out.write(blob);
        }
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // configured at construction
    }

    @Override
    public void close() {
        // the element serdes belong to ReporterSerdes, which outlives this serde
    }

    @Override
    public Serializer<SessionFacts> serializer() {
        return this;
    }

    @Override
    public Deserializer<SessionFacts> deserializer() {
        return this;
    }
}
