package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.stashflow.planner.envsubst.EnvsubstException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecSubstitutionTest {

    private static JsonNode tree(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void everyStringIsSubstitutedOnItsOwn() throws Exception {
        JsonNode in = tree("{\"args\":[\"--a=${A}\",\"--b=${B:=x}\"],\"n\":3,\"m\":{\"k\":\"${A}\"},\"t\":true}");
        JsonNode out = SpecSubstitution.substitute(in, "spec", Map.of("A", "1"));
        assertEquals(tree("{\"args\":[\"--a=1\",\"--b=x\"],\"n\":3,\"m\":{\"k\":\"1\"},\"t\":true}"), out);
        assertEquals("--a=${A}", in.get("args").get(0).textValue(), "the input is not changed");
    }

    @Test
    void valuesWithQuotesAndBackslashesAreInsertedVerbatim() throws Exception {
        String value = "say \"hi\" \\ and \\n \"}";
        JsonNode out = SpecSubstitution.substitute(tree("{\"args\":[\"--msg=${M}\"]}"), "spec", Map.of("M", value));
        assertEquals("--msg=" + value, out.get("args").get(0).textValue());
    }

    @Test
    void textWithoutDollarIsLeftAsIs() throws Exception {
        JsonNode in = tree("{\"a\":\"plain } text\"}");
        assertSame(in.get("a"), SpecSubstitution.substitute(in, "spec", Map.of()).get("a"));
    }

    @Test
    void failuresNameTheFieldPath() throws Exception {
        var e = assertThrows(SpecSubstitution.SubstitutionFailedException.class, () -> SpecSubstitution.substitute(
                tree("{\"runtimeSettings\":{\"env\":[{\"name\":\"X\",\"value\":\"ok\"},{\"name\":\"Y\",\"value\":\"${NOPE}\"}]}}"),
                "spec", Map.of()));
        assertEquals("spec.runtimeSettings.env[1].value", e.failure().path());
        assertEquals(EnvsubstException.Kind.VALUE_NOT_FOUND, e.failure().cause().kind());
        assertEquals("NOPE", e.failure().cause().key());
    }

    @Test
    void parseErrorsAreReportedWithTheirPathToo() throws Exception {
        var e = assertThrows(SpecSubstitution.SubstitutionFailedException.class, () -> SpecSubstitution.substitute(
                tree("{\"image\":\"${A.B}\"}"), "spec", Map.of("A", "x")));
        assertEquals("spec.image", e.failure().path());
        assertEquals(EnvsubstException.Kind.PARSE, e.failure().cause().kind());
    }
}
