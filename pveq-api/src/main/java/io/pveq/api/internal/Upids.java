package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.Upid;
import java.util.Optional;

/** Reads the task id a long operation answers with. */
final class Upids {

    private Upids() {
    }

    static Upid of(ApiCall call, JsonNode data) {
        Optional<Upid> upid = data.isTextual() ? Upid.tryParse(data.asText()) : Optional.empty();
        return upid.orElseThrow(() -> new ProxmoxApiException(call.method(), call.path(), 200,
                "expected a task id (UPID) in the answer, got " + (data.isNull() ? "nothing" : data.toString())));
    }
}
