package io.stashflow.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.planner.envsubst.Envsubst;
import io.stashflow.planner.envsubst.EnvsubstException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow envsubst}: substitutes standard input with Stash's rules and writes the result
 * to standard output, byte for byte, without adding a newline.
 */
@Command(
        name = "envsubst",
        mixinStandardHelpOptions = true,
        // picocli interpolates ${...} in help text: $${ shows ${ and $$$$ shows $$
        description = {
            "Substitute $${...} expressions in standard input with Stash's rules (gomodules.xyz/envsubst v0.2.0"
                    + " EvalMap) and write the result to standard output without adding a newline.",
            "Defaults ($${X=d}, $${X:=d}, $${X:-d}) apply only to variables that are not given at all; any other"
                    + " reference to a missing variable is an error. $VAR without braces is left as is; $$$$ is a"
                    + " literal $.",
            "",
            "Exit status: 0 on success, 1 when substitution fails (the error goes to standard error),"
                    + " 2 for a bad --var or --vars-file.",
        })
public final class EnvsubstCommand implements Callable<Integer> {

    static final int SUBSTITUTION_FAILED = 1;
    static final int BAD_VARIABLES = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--var", paramLabel = "NAME=VALUE",
            description = "A variable; repeatable. Overrides the same name from --vars-file. VALUE may be empty.")
    List<String> variables = new ArrayList<>();

    @Option(names = "--vars-file", paramLabel = "FILE.json",
            description = "A JSON object whose members are variable names with string values.")
    Path variablesFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;
    private final OutputStream stdout;

    /** Reads {@code System.in} and writes {@code System.out}. */
    public EnvsubstCommand() {
        this(System.in, System.out);
    }

    EnvsubstCommand(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /** A problem with the variables given on the command line; reported without any value. */
    private static final class BadVariables extends Exception {
        BadVariables(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> values;
        try {
            values = collectVariables();
        } catch (BadVariables e) {
            err.println("stashflow envsubst: " + e.getMessage());
            err.flush();
            return BAD_VARIABLES;
        }
        String input = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        String output;
        try {
            output = Envsubst.evalMap(input, values);
        } catch (EnvsubstException e) {
            err.println(e.getMessage());
            err.flush();
            return SUBSTITUTION_FAILED;
        }
        stdout.write(output.getBytes(StandardCharsets.UTF_8));
        stdout.flush();
        return 0;
    }

    private Map<String, String> collectVariables() throws BadVariables {
        Map<String, String> values = new LinkedHashMap<>();
        if (variablesFile != null) {
            values.putAll(readVariablesFile(variablesFile));
        }
        for (String assignment : variables) {
            int equals = assignment.indexOf('=');
            if (equals < 0) {
                throw new BadVariables("--var " + quoteName(assignment) + " has no '='; write --var NAME=VALUE"
                        + " (NAME= for an empty value)");
            }
            if (equals == 0) {
                throw new BadVariables("--var has an empty name before '='; write --var NAME=VALUE");
            }
            values.put(assignment.substring(0, equals), assignment.substring(equals + 1));
        }
        return values;
    }

    /** Without '=' the argument is only a name, so it is safe to show; values never are. */
    private static String quoteName(String name) {
        return "'" + name + "'";
    }

    private static Map<String, String> readVariablesFile(Path file) throws BadVariables {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            // Jackson's own message may quote the offending token, which could be a secret; give the position only.
            JsonLocation at = e.getLocation();
            throw new BadVariables("--vars-file " + file + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; it must be a JSON object of string values");
        } catch (IOException e) {
            throw new BadVariables("cannot read --vars-file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BadVariables("--vars-file " + file + " must hold a JSON object of string values, not "
                    + (root == null ? "nothing" : describe(root)));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                throw new BadVariables("--vars-file " + file + ": \"" + field.getKey() + "\" is "
                        + describe(field.getValue()) + "; every value must be a JSON string (quote numbers and"
                        + " booleans)");
            }
            values.put(field.getKey(), field.getValue().textValue());
        }
        return values;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
