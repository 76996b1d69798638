package io.stashflow.executor.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * The fabric8 mock API server in CRUD mode for a test class that owns its lifecycle: started in {@code @BeforeAll},
 * closed in {@code @AfterAll} after everything that watches it (kubelet, runtimes, mirrors) has been closed.
 *
 * <p>Why not {@code @EnableKubernetesMockClient}: fabric8 7.9.0's mock server tears a closed watch down
 * ({@code WatchEventsListener.onClosed}) on the Vert.x event loop of the watch's connection, and waits there, up to a
 * minute, for the watch's sender thread to stop. An event that thread is still sending waits, up to 30 s, for its
 * write, which only that blocked event loop can carry out. So closing an informer while the server still has events
 * queued for it (a test that ends while the fake kubelet writes pod status) freezes one event loop for 30 s: requests
 * on its connections hang, and the server's shutdown, which gives the HTTP server 10 s to close, fails with
 * {@code IllegalStateException: Unable to close MockWebServer} after every test of the class has passed. Closing the
 * informers earlier does not help: closing a watch is what starts the wait. And while the torn-down watch is still
 * registered, any write it matches fails inside the server ({@code RejectedExecutionException} from the stopped
 * sender) and its request is never answered.
 *
 * <p>Here the server is the stock one (same mixed CRUD dispatcher, same expectations), except that the teardown of a
 * closed websocket ({@code onClosed}, {@code onFailure}) waits until the server stops: until then the closed watch
 * stays registered, and events for it fail at once on the closed socket. At shutdown the HTTP server is closed first,
 * so no request is running, and the deferred teardowns run on the shutting-down thread, away from the event loops.
 * {@link #close()} closes the client before the server (the extension does it the other way round).
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockApiServer(Consumer<KubernetesClientBuilder> customizer) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        WatchTeardownAtShutdown dispatcher = new WatchTeardownAtShutdown(new KubernetesMixedDispatcher(responses));
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
        client = server.createClient(customizer);
    }

    /** A started server and a client with fabric8's default timeouts. */
    public static MockApiServer start() {
        return new MockApiServer(builder -> {
        });
    }

    /** A started server and a client the customizer configured (for instance {@link PatientClient}). */
    public static MockApiServer start(Consumer<KubernetesClientBuilder> customizer) {
        return new MockApiServer(customizer);
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** Closes the client (its watches and connections), then the server. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.destroy();
        }
    }

    /**
     * The stock dispatcher, with every websocket listener it answers with wrapped in {@link DeferredClose}, whose
     * teardowns it runs when the server releases its resources. Implements the interfaces {@link KubernetesMockServer}
     * looks for on its dispatcher ({@code reset()}, CRD expectations).
     */
    static final class WatchTeardownAtShutdown extends Dispatcher implements Resetable, CustomResourceAware {

        private final KubernetesMixedDispatcher delegate;
        private final List<Runnable> teardowns = new ArrayList<>();
        private boolean stopped;

        WatchTeardownAtShutdown(KubernetesMixedDispatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = delegate.dispatch(request);
            WebSocketListener listener = response == null ? null : response.getWebSocketListener();
            if (listener != null && !(listener instanceof DeferredClose)) {
                response.withWebSocketUpgrade(new DeferredClose(listener, this::teardown));
            }
            return response;
        }

        private void teardown(Runnable teardown) {
            synchronized (this) {
                if (!stopped) {
                    teardowns.add(teardown);
                    return;
                }
            }
            // closed while the server stops: still not on the event loop that called us
            Thread t = new Thread(teardown, "mock-api-websocket-teardown");
            t.setDaemon(true);
            t.start();
        }

        /** The teardowns deferred so far, in the order the websockets closed. */
        synchronized int pendingTeardowns() {
            return teardowns.size();
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        /** Called by the server after its HTTP server has closed: no request runs any more. */
        @Override
        public void releaseResources() {
            List<Runnable> due;
            synchronized (this) {
                stopped = true;
                due = List.copyOf(teardowns);
                teardowns.clear();
            }
            due.forEach(Runnable::run);
            delegate.releaseResources();
        }

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void expectCustomResource(CustomResourceDefinitionContext context) {
            delegate.expectCustomResource(context);
        }
    }

    /**
     * Passes every callback to the wrapped listener on the calling thread, except {@code onClosed} and
     * {@code onFailure}, the teardown, which it hands to {@code teardown} to run later.
     */
    static final class DeferredClose extends WebSocketListener {

        private final WebSocketListener delegate;
        private final Consumer<Runnable> teardown;

        DeferredClose(WebSocketListener delegate, Consumer<Runnable> teardown) {
            this.delegate = delegate;
            this.teardown = teardown;
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            delegate.onOpen(webSocket, response);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            teardown.accept(() -> delegate.onClosed(webSocket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            teardown.accept(() -> delegate.onFailure(webSocket, t, response));
        }
    }
}
