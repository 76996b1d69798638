package io.stashflow.builtin.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HookTemplateTest {

    private static final HookSummary SUMMARY = new HookSummary("nightly-1700000000", "demo",
            new HookSummary.Invoker("BackupConfiguration", "nightly"), new HookSummary.Target("AppBinding", "pg", "db"),
            new HookSummary.Status("Failed", "1m2s", "pg_dump: connection refused"), 2);

    @Test
    void everySupportedFieldRenders() {
        String template = "{{ .Name }}|{{.Namespace}}|{{ .Invoker.Kind }}|{{ .Invoker.Name }}|{{ .Target.Kind }}|"
                + "{{ .Target.Name }}|{{ .Target.Namespace }}|{{ .Status.Phase }}|{{ .Status.Duration }}|"
                + "{{ .Status.Error }}|{{ .RetryLeft }}";
        assertEquals("nightly-1700000000|demo|BackupConfiguration|nightly|AppBinding|pg|db|Failed|1m2s|"
                + "pg_dump: connection refused|2", HookTemplate.render(template, SUMMARY, "body"));
    }

    @Test
    void emptyFieldsRenderEmptyAndTextWithoutActionsStaysAsItIs() {
        HookSummary empty = new HookSummary("s", "demo", new HookSummary.Invoker("", ""),
                new HookSummary.Target("", "", ""), new HookSummary.Status("Succeeded", "", null), 0);
        assertEquals("error=[] retry=0", HookTemplate.render("error=[{{ .Status.Error }}] retry={{ .RetryLeft }}", empty, "x"));
        assertEquals("{\"text\": \"plain } braces {\"}", HookTemplate.render("{\"text\": \"plain } braces {\"}", empty, "x"));
    }

    @Test
    void trimMarkersRemoveTheAdjacentWhitespaceLikeGo() {
        assertEquals("a-nightly-1700000000-b", HookTemplate.render("a-  \n {{- .Name -}} \n\t -b", SUMMARY, "x"));
        // without the space "{{-3}}" is Go's number -3, not a trim marker: unsupported here
        assertThrows(HookTemplate.HookTemplateException.class, () -> HookTemplate.render("a {{-3}} b", SUMMARY, "x"));
    }

    @Test
    void unsupportedActionsFailNamingTheActionAndWhatIsSupported() {
        var unknownField = assertThrows(HookTemplate.HookTemplateException.class,
                () -> HookTemplate.render("{{ .Target.APIVersion }}", SUMMARY, "exec.command[2]"));
        assertTrue(unknownField.getMessage().startsWith("exec.command[2]: the template action {{ .Target.APIVersion }}"));
        assertTrue(unknownField.getMessage().contains("{{ .Status.Phase }}"));
        assertThrows(HookTemplate.HookTemplateException.class, () -> HookTemplate.render("{{ .name }}", SUMMARY, "x"));
        assertThrows(HookTemplate.HookTemplateException.class,
                () -> HookTemplate.render("{{ if eq .Status.Phase `Succeeded` }}ok{{ end }}", SUMMARY, "x"));
        assertThrows(HookTemplate.HookTemplateException.class, () -> HookTemplate.render("{{ .Name | upper }}", SUMMARY, "x"));
        assertTrue(assertThrows(HookTemplate.HookTemplateException.class,
                () -> HookTemplate.render("oops {{ .Name", SUMMARY, "httpPost.body")).getMessage().contains("unclosed"));
    }
}
