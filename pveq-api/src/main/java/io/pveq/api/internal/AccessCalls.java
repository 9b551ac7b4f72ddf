package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.AccessApi;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link AccessApi} over {@link ApiHttp}. Thread-safe. */
final class AccessCalls implements AccessApi {

    private final ApiHttp http;

    AccessCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public Map<String, Map<String, Boolean>> permissions(Optional<String> path) {
        FormParams params = FormParams.empty();
        path.ifPresent(p -> params.put("path", p));
        JsonNode data = http.call(ApiCall.get(params, "access", "permissions"));
        Map<String, Map<String, Boolean>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = data.fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = paths.next();
            Map<String, Boolean> privileges = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> p = entry.getValue().fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> privilege = p.next();
                privileges.put(privilege.getKey(), privilege.getValue().asInt(0) == 1
                        || privilege.getValue().asBoolean(false));
            }
            out.put(entry.getKey(), java.util.Collections.unmodifiableMap(privileges));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
