package io.stashflow.builtin.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.stashflow.api.model.HTTPPostAction;
import io.stashflow.api.model.HookHandler;
import io.stashflow.api.model.PostHookHandler;
import io.stashflow.api.model.StashResourceReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A hook as Stash writes it in {@code spec.hooks.preBackup} / {@code postBackup} (and restore): kmodules' prober
 * {@code Handler} ({@code exec}, {@code httpGet}, {@code httpPost}, {@code tcpSocket}, {@code containerName}),
 * plus {@code executionPolicy} for post hooks.
 */
public record HookDefinition(HookHandler handler, String executionPolicy) {

    /**
     * @param source names the JSON in messages ({@code --hook-json} or the file)
     * @throws IllegalArgumentException when the JSON is not a handler or sets no handler
     */
    public static HookDefinition parse(String json, String source) {
        PostHookHandler parsed;
        try {
            parsed = StashResourceReader.jsonMapper().readValue(json, PostHookHandler.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not a Stash hook handler (an object with one of exec,"
                    + " httpGet, httpPost, tcpSocket): " + e.getOriginalMessage());
        }
        if (parsed == null) {
            throw new IllegalArgumentException(source + " is empty; give the hook handler as JSON");
        }
        HookDefinition definition = new HookDefinition(parsed.handler(), parsed.executionPolicy());
        if (HookRunner.handlerNames(definition.handler()).isEmpty()) {
            throw new IllegalArgumentException(source + " sets no handler; set one of exec, httpGet, httpPost,"
                    + " tcpSocket");
        }
        return definition;
    }

    /**
     * The handler with its templates rendered: {@code exec.command} items and {@code httpPost.body} that contain
     * {@code {{}} (other fields are used as written).
     *
     * @throws HookTemplate.HookTemplateException when a template cannot be rendered
     */
    public HookHandler rendered(HookSummary summary) {
        ExecAction exec = handler.exec();
        if (exec != null && exec.getCommand() != null
                && exec.getCommand().stream().anyMatch(HookTemplate::isTemplate)) {
            List<String> command = new ArrayList<>();
            for (int i = 0; i < exec.getCommand().size(); i++) {
                String item = exec.getCommand().get(i);
                command.add(HookTemplate.isTemplate(item)
                        ? HookTemplate.render(item, summary, "exec.command[" + i + "]") : item);
            }
            exec = new ExecAction(command);
        }
        HTTPPostAction post = handler.httpPost();
        if (post != null && HookTemplate.isTemplate(post.body())) {
            post = new HTTPPostAction(post.path(), post.port(), post.host(), post.scheme(), post.httpHeaders(),
                    HookTemplate.render(post.body(), summary, "httpPost.body"), post.form());
        }
        return new HookHandler(exec, handler.httpGet(), post, handler.tcpSocket(), handler.containerName());
    }
}
