package io.stashflow.builtin.hook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import io.stashflow.api.model.FormEntry;
import io.stashflow.api.model.HTTPPostAction;
import io.stashflow.api.model.HookHandler;
import io.stashflow.builtin.secrets.SecretRedactor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a hook's handlers the way Stash's prober (kmodules.xyz/prober) does: {@code exec}, {@code httpGet},
 * {@code httpPost}, {@code tcpSocket}, each one that is set, in that order, stopping at the first failure.
 * <ul>
 *   <li>exec succeeds with exit code 0; it runs in the target pod (AppBinding targets) or as a local process;</li>
 *   <li>HTTP succeeds with a status from 200 to 399 (redirects are not followed, like the prober); a body is sent
 *       as {@code application/json}, a form as {@code application/x-www-form-urlencoded}; certificates are not
 *       verified for https, like the prober;</li>
 *   <li>tcpSocket succeeds when a connection opens.</li>
 * </ul>
 * An empty host means the pod's IP for a hook in a target pod and 127.0.0.1 (the hook's own pod) otherwise. A named
 * port is looked up in the target pod's containers ({@code containerName}'s first); outside a pod only numbers work.
 */
public final class HookRunner {

    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
    private static final int MESSAGE_TAIL = 500;
    /** Headers Java's HTTP client does not let a caller set. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** Where the hook runs: the hook container itself, or a target application pod. */
    public sealed interface Place permits Local, InPod {
    }

    public record Local() implements Place {
    }

    public record InPod(Pod pod) implements Place {
    }

    private final LocalExec localExec;
    private final Supplier<PodExec> podExec;
    private final Duration probeTimeout;
    private final SecretRedactor redactor;

    public HookRunner(LocalExec localExec, Supplier<PodExec> podExec, Duration probeTimeout, SecretRedactor redactor) {
        this.localExec = localExec;
        this.podExec = podExec;
        this.probeTimeout = probeTimeout;
        this.redactor = redactor;
    }

    /** The names of the handlers that are set, in the order they run. */
    public static List<String> handlerNames(HookHandler handler) {
        List<String> names = new ArrayList<>();
        if (handler.exec() != null) {
            names.add("exec");
        }
        if (handler.httpGet() != null) {
            names.add("httpGet");
        }
        if (handler.httpPost() != null) {
            names.add("httpPost");
        }
        if (handler.tcpSocket() != null) {
            names.add("tcpSocket");
        }
        return names;
    }

    /**
     * Runs every handler that is set.
     *
     * @return a short success message
     * @throws HookFailure with the (redacted) reason of the first handler that failed
     */
    public String run(HookHandler handler, Place place) throws HookFailure {
        List<String> notes = new ArrayList<>();
        try {
            if (handler.exec() != null) {
                notes.add(exec(handler.exec(), handler.containerName(), place));
            }
            if (handler.httpGet() != null) {
                notes.add(httpGet(handler.httpGet(), handler.containerName(), place));
            }
            if (handler.httpPost() != null) {
                notes.add(httpPost(handler.httpPost(), handler.containerName(), place));
            }
            if (handler.tcpSocket() != null) {
                notes.add(tcp(handler.tcpSocket(), handler.containerName(), place));
            }
        } catch (HookFailure e) {
            // no cause: the cause's message is the unredacted text
            throw new HookFailure(redactor.redact(e.getMessage()));
        }
        return redactor.redact(String.join("; ", notes));
    }

    private String exec(ExecAction exec, String containerName, Place place) throws HookFailure {
        List<String> command = exec.getCommand() == null ? List.of() : exec.getCommand();
        if (command.isEmpty()) {
            throw new HookFailure("exec hook failed: exec.command is empty; give the command and its arguments as a list");
        }
        CommandResult result;
        if (place instanceof InPod inPod) {
            Pod pod = inPod.pod();
            result = podExec.get().exec(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), containerName, command);
        } else {
            if (containerName != null && !containerName.isEmpty()) {
                LOG.debug("containerName {} ignored: the hook runs in its own container", containerName);
            }
            result = localExec.run(command);
        }
        if (result.exitCode() != 0) {
            throw new HookFailure("exec hook failed: " + command.get(0) + " exited with code " + result.exitCode()
                    + tail(result));
        }
        return "exec: " + command.get(0) + " exited with code 0";
    }

    private String httpGet(HTTPGetAction action, String containerName, Place place) throws HookFailure {
        URI url = url(action.getScheme(), action.getHost(), action.getPort(), action.getPath(), containerName, place, "httpGet");
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(probeTimeout).GET();
        List<String> skipped = headers(request, action.getHttpHeaders());
        return send("httpGet", url, request.build(), skipped);
    }

    private String httpPost(HTTPPostAction action, String containerName, Place place) throws HookFailure {
        URI url = url(action.scheme(), action.host(), action.port(), action.path(), containerName, place, "httpPost");
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(probeTimeout);
        if (!action.form().isEmpty()) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
            request.POST(HttpRequest.BodyPublishers.ofString(formBody(action.form())));
        } else if (action.body() != null && !action.body().isEmpty()) {
            request.header("Content-Type", "application/json");
            request.POST(HttpRequest.BodyPublishers.ofString(action.body()));
        } else {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        List<String> skipped = headers(request, action.httpHeaders());
        return send("httpPost", url, request.build(), skipped);
    }

    private String tcp(TCPSocketAction action, String containerName, Place place) throws HookFailure {
        String host = host(action.getHost(), place);
        int port = port(action.getPort(), containerName, place, "tcpSocket");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) probeTimeout.toMillis());
            return "tcpSocket: connected to " + host + ":" + port;
        } catch (IOException e) {
            throw new HookFailure("tcpSocket hook failed: cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private String send(String kind, URI url, HttpRequest request, List<String> skippedHeaders) throws HookFailure {
        HttpResponse<String> response;
        try {
            response = httpClient(url).send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HookFailure(kind + " hook failed: " + request.method() + " " + url + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookFailure(kind + " hook interrupted: " + request.method() + " " + url, e);
        }
        String headersNote = skippedHeaders.isEmpty() ? ""
                : " (headers " + skippedHeaders + " not sent: Java's HTTP client does not allow setting them)";
        int status = response.statusCode();
        if (status >= 200 && status < 400) {
            return kind + ": " + request.method() + " " + url + " answered " + status + headersNote;
        }
        String body = response.body() == null ? "" : response.body().strip();
        if (body.length() > MESSAGE_TAIL) {
            body = body.substring(0, MESSAGE_TAIL) + "…";
        }
        throw new HookFailure(kind + " hook failed: " + request.method() + " " + url + " answered " + status
                + (body.isEmpty() ? "" : ": " + body) + headersNote);
    }

    private URI url(String scheme, String host, IntOrString port, String path, String containerName, Place place,
            String kind) throws HookFailure {
        String cleanScheme = scheme == null || scheme.isEmpty() ? "http" : scheme.toLowerCase(Locale.ROOT);
        String cleanHost = host(host, place);
        int cleanPort = port(port, containerName, place, kind);
        String cleanPath = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        String hostPart = cleanHost.contains(":") && !cleanHost.startsWith("[") ? "[" + cleanHost + "]" : cleanHost;
        try {
            return URI.create(cleanScheme + "://" + hostPart + ":" + cleanPort + cleanPath);
        } catch (IllegalArgumentException e) {
            throw new HookFailure(kind + " hook: cannot build a URL from scheme " + cleanScheme + ", host " + cleanHost
                    + ", port " + cleanPort + " and path " + path + ": " + e.getMessage(), e);
        }
    }

    private static String host(String host, Place place) throws HookFailure {
        if (host != null && !host.isEmpty()) {
            return host;
        }
        if (place instanceof InPod inPod) {
            String podIp = inPod.pod().getStatus() == null ? null : inPod.pod().getStatus().getPodIP();
            if (podIp == null || podIp.isEmpty()) {
                throw new HookFailure("pod " + inPod.pod().getMetadata().getName() + " has no IP yet; the hook has no"
                        + " host, so it needs the pod's IP");
            }
            return podIp;
        }
        return "127.0.0.1";
    }

    private static int port(IntOrString port, String containerName, Place place, String kind) throws HookFailure {
        if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
            throw new HookFailure(kind + " hook: port is missing; give a port number or a named container port");
        }
        int number;
        if (port.getIntVal() != null) {
            number = port.getIntVal();
        } else {
            number = namedPort(port.getStrVal(), containerName, place, kind);
        }
        if (number < 1 || number > 65535) {
            throw new HookFailure(kind + " hook: port " + number + " is out of range 1-65535");
        }
        return number;
    }

    private static int namedPort(String name, String containerName, Place place, String kind) throws HookFailure {
        if (place instanceof InPod inPod && inPod.pod().getSpec() != null) {
            List<Container> containers = inPod.pod().getSpec().getContainers();
            for (Container container : containers) {
                if (containerName != null && !containerName.isEmpty() && !containerName.equals(container.getName())) {
                    continue;
                }
                for (ContainerPort containerPort : container.getPorts()) {
                    if (name.equals(containerPort.getName())) {
                        return containerPort.getContainerPort();
                    }
                }
            }
        }
        try {
            // like the prober's last resort: a number written as a string
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new HookFailure(kind + " hook: named port '" + name + "' not found"
                    + (place instanceof InPod ? " in the target pod's containers" : "; outside a target pod only port numbers work"));
        }
    }

    private static List<String> headers(HttpRequest.Builder request, List<HTTPHeader> headers) {
        List<String> skipped = new ArrayList<>();
        boolean userAgent = false;
        if (headers != null) {
            for (HTTPHeader header : headers) {
                if (header.getName() == null) {
                    continue;
                }
                if (RESTRICTED_HEADERS.contains(header.getName().toLowerCase(Locale.ROOT))) {
                    skipped.add(header.getName());
                    continue;
                }
                userAgent |= header.getName().equalsIgnoreCase("User-Agent");
                request.header(header.getName(), header.getValue() == null ? "" : header.getValue());
            }
        }
        if (!userAgent) {
            request.header("User-Agent", "stashflow-run-hook");
        }
        return skipped;
    }

    private static String formBody(List<FormEntry> form) {
        List<String> pairs = new ArrayList<>();
        for (FormEntry entry : form) {
            for (String value : entry.values()) {
                pairs.add(URLEncoder.encode(entry.key(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return String.join("&", pairs);
    }

    private HttpClient httpClient(URI url) throws HookFailure {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(probeTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equals(url.getScheme())) {
            builder.sslContext(trustingSslContext());
        }
        return builder.build();
    }

    /** The prober skips certificate verification (InsecureSkipVerify); so does this, for https hooks only. */
    private static SSLContext trustingSslContext() throws HookFailure {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // hooks never present client certificates
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // deliberately accepted, as Stash's prober does
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new HookFailure("cannot set up TLS for the hook: " + e.getMessage(), e);
        }
    }

    private static String tail(CommandResult result) {
        String tail = result.outputTail(MESSAGE_TAIL);
        return tail.isEmpty() ? "" : ": " + tail;
    }
}
