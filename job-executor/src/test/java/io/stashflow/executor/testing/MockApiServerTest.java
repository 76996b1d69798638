package io.stashflow.executor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The mock API server the Kubernetes test classes share: a closed watch must not hold the server up. */
class MockApiServerTest {

    @Test
    void aClosedWebSocketsTeardownIsHandedOverOtherCallbacksPassThrough() {
        List<String> calls = new ArrayList<>();
        WebSocketListener recording = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                calls.add("open");
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                calls.add("message " + text);
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                calls.add("closing " + code);
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                calls.add("closed " + code + " " + reason);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                calls.add("failure " + t.getMessage());
            }
        };
        List<Runnable> handedOver = new ArrayList<>();
        MockApiServer.DeferredClose listener = new MockApiServer.DeferredClose(recording, handedOver::add);

        listener.onOpen(null, null);
        listener.onMessage(null, "hello");
        listener.onClosing(null, 1000, "bye");
        listener.onClosed(null, 1000, "bye");
        listener.onFailure(null, new IllegalStateException("reset"), null);
        assertEquals(List.of("open", "message hello", "closing 1000"), calls, "the teardown did not run yet");
        assertEquals(2, handedOver.size());

        handedOver.forEach(Runnable::run);
        assertEquals(List.of("open", "message hello", "closing 1000", "closed 1000 bye", "failure reset"), calls);
    }

    @Test
    void watchTeardownsWaitForTheServerToReleaseItsResources() {
        MockApiServer.WatchTeardownAtShutdown dispatcher = new MockApiServer.WatchTeardownAtShutdown(
                new KubernetesMixedDispatcher(new HashMap<>()));
        MockResponse watch = dispatcher.dispatch(get("/api/v1/namespaces/demo/pods?watch=true"));
        MockResponse list = dispatcher.dispatch(get("/api/v1/namespaces/demo/pods"));
        assertEquals(200, list.code());
        assertNull(list.getWebSocketListener(), "plain answers stay as they are");
        WebSocketListener listener = assertInstanceOf(MockApiServer.DeferredClose.class, watch.getWebSocketListener());

        listener.onClosed(null, 1000, "bye");
        assertEquals(1, dispatcher.pendingTeardowns());
        dispatcher.shutdown();
        assertEquals(1, dispatcher.pendingTeardowns(), "not before the HTTP server is closed");
        dispatcher.releaseResources();
        assertEquals(0, dispatcher.pendingTeardowns());
    }

    /**
     * The flake's shape: a watch closed while the server still has events to send it, then the server shut down.
     * Four writers keep the watch's sender busy, so it is mid-send when the watch closes.
     */
    @Test
    void aWatchClosedInTheMiddleOfABurstLetsTheServerShutDown() throws Exception {
        MockApiServer api = MockApiServer.start(new PatientClient());
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger seen = new AtomicInteger();
            CountDownLatch halfSeen = new CountDownLatch(1);
            Watch watch = api.client().configMaps().inNamespace("demo").watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, ConfigMap resource) {
                    if (seen.incrementAndGet() == 200) {
                        halfSeen.countDown();
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String name = "burst-" + w;
                done.add(writers.submit(() -> {
                    api.client().configMaps().inNamespace("demo").resource(new ConfigMapBuilder().withNewMetadata()
                            .withName(name).endMetadata().addToData("n", "0").build()).create();
                    for (int i = 1; i <= 100; i++) {
                        api.client().configMaps().inNamespace("demo").withName(name).patch(
                                PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"n\":\"" + i + "\"}}");
                    }
                    return null;
                }));
            }
            assertTrue(halfSeen.await(60, TimeUnit.SECONDS), "the watch receives events");
            watch.close();
            // the stock server froze the closed watch's event loop for 30 s, and with it the writes on its connections
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertEquals("100", api.client().configMaps().inNamespace("demo").withName("burst-3").get().getData()
                    .get("n"), "the server still answers");
        } finally {
            writers.shutdownNow();
            api.close(); // threw "Unable to close MockWebServer" when the closed watch held an event loop
        }
    }

    private static RecordedRequest get(String path) {
        return new RecordedRequest("HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), null);
    }
}
