package io.stashflow.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What the benchmark can honestly say about memory and CPU of services sharing one JVM.
 *
 * <ul>
 *   <li>Heap, for the JVM as a whole (broker, every service and the bench together): the peak of the used heap,
 *       sampled; and the peak of the heap left after a garbage collection (the sum of the heap pools after each GC,
 *       from the GC notifications), which is the closer measure of live data. Retained heap cannot be split by
 *       service inside one JVM, so nothing here pretends to.</li>
 *   <li>By service, from the threads whose names identify it: bytes allocated
 *       ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}; allocation, not retained heap), CPU time,
 *       and the peak number of live threads, between {@link #openWindow()} and {@link #closeWindow()}. Threads are
 *       sampled every five heap samples; one that ends loses what it did since its last sample.</li>
 * </ul>
 */
final class ResourceSampler implements AutoCloseable {

    /** A service and how to recognise its threads by name. */
    record Group(String name, Predicate<String> threadName) {
    }

    /** The figures of one group over the window. */
    record GroupFigures(String name, long allocatedBytes, long cpuNanos, int peakThreads) {
    }

    /** Everything measured. */
    record Figures(long peakHeapUsed, long peakHeapAfterGc, long gcCount, long maxHeap, List<GroupFigures> groups) {
    }

    private static final String OTHERS = "broker and other threads";

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final List<Group> groups;
    private final Duration every;
    private final AtomicLong peakHeapUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong gcs = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener gcListener = this::onGc;
    /** thread id → name, allocated and cpu at the window's start (0 for threads born later) and last seen. */
    private final Map<Long, ThreadTrack> tracks = new HashMap<>();
    private final Map<String, Integer> peakThreads = new LinkedHashMap<>();
    private volatile boolean windowOpen;
    private volatile boolean windowClosed;
    private volatile boolean running = true;
    private Thread sampler;

    private static final class ThreadTrack {
        String group;
        long allocatedAtStart;
        long cpuAtStart;
        long allocated;
        long cpu;
    }

    ResourceSampler(List<Group> groups, Duration every) {
        this.groups = List.copyOf(groups);
        this.every = every;
        if (threads.isThreadAllocatedMemorySupported()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        if (threads.isThreadCpuTimeSupported()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    void start() {
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(gcListener, null, null);
                emitters.add(emitter);
            }
        }
        sampler = new Thread(this::loop, "fleet-bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void onGc(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        long after = 0;
        Set<String> heapPools = heapPoolNames();
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                after += e.getValue().getUsed();
            }
        }
        gcs.incrementAndGet();
        peakAfterGc.accumulateAndGet(after, Math::max);
    }

    private static Set<String> heapPoolNames() {
        Set<String> names = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return names;
    }

    private void loop() {
        long turn = 0;
        while (running) {
            peakHeapUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                    Math::max);
            // threads five times less often: several hundred of them
            if (windowOpen && !windowClosed && turn++ % 5 == 0) {
                sampleThreads(false);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Starts attributing allocation and CPU to the groups, from now on. */
    synchronized void openWindow() {
        sampleThreads(true);
        windowOpen = true;
    }

    /** Stops attributing; {@link #figures()} then reports the window. */
    synchronized void closeWindow() {
        sampleThreads(false);
        windowClosed = true;
    }

    private synchronized void sampleThreads(boolean start) {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        Map<String, Integer> live = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue; // ended meanwhile
            }
            long cpu = threads.getThreadCpuTime(ids[i]);
            ThreadTrack track = tracks.computeIfAbsent(ids[i], id -> new ThreadTrack());
            if (track.group == null) {
                track.group = groupOf(infos[i].getThreadName());
                if (start) {
                    track.allocatedAtStart = Math.max(0, allocated[i]);
                    track.cpuAtStart = Math.max(0, cpu);
                }
            }
            if (allocated[i] >= 0) {
                track.allocated = allocated[i];
            }
            if (cpu >= 0) {
                track.cpu = cpu;
            }
            live.merge(track.group, 1, Integer::sum);
        }
        live.forEach((group, n) -> peakThreads.merge(group, n, Math::max));
    }

    private String groupOf(String threadName) {
        for (Group group : groups) {
            if (group.threadName().test(threadName)) {
                return group.name();
            }
        }
        return OTHERS;
    }

    synchronized Figures figures() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (Group group : groups) {
            sums.put(group.name(), new long[2]);
        }
        sums.put(OTHERS, new long[2]);
        for (ThreadTrack track : tracks.values()) {
            long[] sum = sums.get(track.group);
            sum[0] += Math.max(0, track.allocated - track.allocatedAtStart);
            sum[1] += Math.max(0, track.cpu - track.cpuAtStart);
        }
        List<GroupFigures> out = new ArrayList<>();
        sums.forEach((name, sum) -> out.add(new GroupFigures(name, sum[0], sum[1], peakThreads.getOrDefault(name, 0))));
        return new Figures(peakHeapUsed.get(), peakAfterGc.get(), gcs.get(), Runtime.getRuntime().maxMemory(), out);
    }

    @Override
    public void close() {
        running = false;
        if (sampler != null) {
            sampler.interrupt();
        }
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(gcListener);
            } catch (Exception e) {
                // already gone
            }
        }
    }
}
