package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnvsubstCommandTest {

    @TempDir
    Path dir;

    /** What one run left behind. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EnvsubstCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), stdout));
        cli.setErr(new PrintWriter(stderr, true));
        int exit = cli.execute(args);
        return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString());
    }

    @Test
    void substitutesStdinToStdoutWithoutAddingANewline() {
        Run run = run("--host=${HOST} --port=${PORT:=5432} $USER é", "--var", "HOST=db.example", "--var", "EMPTY=");
        assertEquals(new Run(0, "--host=db.example --port=5432 $USER é", ""), run);
    }

    @Test
    void anEmptyValueIsPresentSoTheDefaultIsNotUsed() {
        assertEquals(new Run(0, "[]", ""), run("[${A:-fallback}]", "--var", "A="));
    }

    @Test
    void aMissingVariableFailsWithTheUpstreamErrorText() {
        assertEquals(new Run(1, "", "input/default value not found for key PORT" + System.lineSeparator()),
                run("--port=${PORT}", "--var", "HOST=x"));
    }

    @Test
    void aParseErrorFailsWithTheUpstreamErrorText() {
        assertEquals(new Run(1, "", "missing closing brace" + System.lineSeparator()), run("${A.B}"));
    }

    @Test
    void aVarWithoutEqualsExitsTwo() {
        Run run = run("${A}", "--var", "A");
        assertEquals(2, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals("stashflow envsubst: --var 'A' has no '='; write --var NAME=VALUE (NAME= for an empty value)"
                + System.lineSeparator(), run.stderr());
    }

    @Test
    void varsFileValuesAreUsedAndVarWins() throws IOException {
        Path file = dir.resolve("vars.json");
        Files.writeString(file, "{\"A\": \"from-file\", \"B\": \"from-file\"}");
        assertEquals(new Run(0, "from-file from-cli", ""),
                run("${A} ${B}", "--vars-file", file.toString(), "--var", "B=from-cli"));
    }

    @Test
    void aVarsFileWithANonStringValueExitsTwoNamingTheField() throws IOException {
        Path file = dir.resolve("vars.json");
        Files.writeString(file, "{\"PORT\": 5432}");
        Run run = run("${PORT}", "--vars-file", file.toString());
        assertEquals(2, run.exitCode());
        assertEquals("stashflow envsubst: --vars-file " + file + ": \"PORT\" is a number; every value must be a"
                + " JSON string (quote numbers and booleans)" + System.lineSeparator(), run.stderr());
    }

    @Test
    void invalidJsonExitsTwoWithoutEchoingTheContent() throws IOException {
        Path file = dir.resolve("vars.json");
        Files.writeString(file, "{\"PASSWORD\": hunter2}");
        Run run = run("${PASSWORD}", "--vars-file", file.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("stashflow envsubst: --vars-file " + file + " is not valid JSON (line 1,"),
                run.stderr());
        assertFalse(run.stderr().contains("hunter2"), run.stderr());
    }

    @Test
    void aMissingVarsFileExitsTwo() {
        Path missing = dir.resolve("absent.json");
        Run run = run("x", "--vars-file", missing.toString());
        assertEquals(2, run.exitCode());
        assertEquals("stashflow envsubst: cannot read --vars-file " + missing + ": NoSuchFileException " + missing
                + System.lineSeparator(), run.stderr());
    }

    @Test
    void aVarsFileThatIsNotAnObjectExitsTwo() throws IOException {
        Path file = dir.resolve("vars.json");
        Files.writeString(file, "[\"A\"]");
        Run run = run("x", "--vars-file", file.toString());
        assertEquals(new Run(2, "", "stashflow envsubst: --vars-file " + file
                + " must hold a JSON object of string values, not an array" + System.lineSeparator()), run);
    }

    @Test
    void helpShowsTheExpressionSyntaxLiterally() {
        StringWriter help = new StringWriter();
        CommandLine cli = new CommandLine(new EnvsubstCommand());
        cli.usage(new PrintWriter(help, true));
        String text = help.toString().replaceAll("\\s+", " ");
        assertTrue(text.contains("Substitute ${...} expressions"), text);
        assertTrue(text.contains("Defaults (${X=d}, ${X:=d}, ${X:-d})"), text);
        assertTrue(text.contains("$$ is a literal $."), text);
    }

    @Test
    void theLauncherHasTheSubcommand() {
        assertTrue(StashflowCommand.commandLine().getSubcommands().containsKey("envsubst"));
    }
}
