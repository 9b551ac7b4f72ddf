package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md and the OpenAPI description served at /api/openapi.json name the same endpoints. */
class ApiDocsInSyncTest {

    /** {@code GET /x}, or a table row {@code | GET | `/x` |}. */
    private static final Pattern DOCUMENTED = Pattern.compile("\\b(GET|POST|PUT|DELETE)(?: \\| | )`?(/[^\\s`|)]+)");

    /** Path parameters, however written ({@code {id}}, {@code :id}, {@code <os>_<version>.sh}), compare equal. */
    static String normalise(String method, String path) {
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder(method.toUpperCase(Locale.ROOT)).append(' ');
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean parameter = segment.startsWith("{") || segment.startsWith(":") || segment.startsWith("<");
            out.append('/').append(parameter ? "{}" : segment);
        }
        return out.toString();
    }

    private static Set<String> fromOpenApi() throws Exception {
        try (InputStream in = PveqServer.class.getResourceAsStream("/io/pveq/server/openapi.json")) {
            JsonNode paths = new ObjectMapper().readTree(in).get("paths");
            Set<String> operations = new TreeSet<>();
            for (Iterator<String> p = paths.fieldNames(); p.hasNext(); ) {
                String path = p.next();
                paths.get(path).fieldNames().forEachRemaining(method -> operations.add(normalise(method, path)));
            }
            return operations;
        }
    }

    private static Set<String> fromDocs(String markdown) {
        Set<String> operations = new TreeSet<>();
        Matcher m = DOCUMENTED.matcher(markdown);
        while (m.find()) {
            operations.add(normalise(m.group(1), m.group(2)));
        }
        return operations;
    }

    @Test
    void everyEndpointIsInBothTheDocsAndTheOpenApiDescription() throws Exception {
        Path docs = Path.of("..", "docs", "api.md");
        assertTrue(Files.isRegularFile(docs), "docs/api.md not found from " + Path.of("").toAbsolutePath());
        Set<String> documented = fromDocs(Files.readString(docs));
        Set<String> described = fromOpenApi();
        assertTrue(described.size() >= 20, "suspiciously few operations in openapi.json: " + described);
        assertEquals(described, documented, "docs/api.md and openapi.json disagree");
    }

    @Test
    void parameterSpellingsCompareEqualButDifferentPathsDoNot() {
        assertEquals(normalise("get", "/api/vm/{id}/status"), normalise("GET", "/api/vm/:id/status"));
        assertEquals(normalise("get", "/sh/{script}"), normalise("GET", "/sh/<os>_<version>.sh"));
        assertTrue(!normalise("get", "/api/vm/{id}/status").equals(normalise("GET", "/api/vm/:id/start")));
        assertEquals(Set.of("POST /api/jobs/{}/cancel", "GET /metrics"),
                fromDocs("| POST | `/api/jobs/{id}/cancel` | x |\n- `GET /metrics`: y"));
    }
}
