package io.pveq.sim;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to the simulator's REST API face and its answer, as a {@link SimApiObserver} sees it.
 *
 * @param release    the release the cluster imitates (whose schema the exchange is held to)
 * @param method     GET, POST, PUT or DELETE
 * @param path       the path below {@code /api2/json}, e.g. {@code /nodes/pve1/qemu/100/status/current}
 * @param template   the schema path template it was served as, when a served endpoint matched
 * @param parameters the request's parameters as verified (path variables included, booleans as 1/0);
 *                   empty when verification did not run
 * @param arrays     values of array parameters (e.g. {@code command} of agent exec)
 * @param verified   true when the parameters passed the simulator's verification
 * @param authid     the caller ({@code root@pam}, {@code alice@pve!ci}); empty when unauthenticated
 * @param status     the HTTP status
 * @param reason     the status line's reason phrase
 * @param body       the JSON body (empty for answers without one, such as 401)
 */
public record SimApiExchange(PveRelease release, String method, String path, Optional<String> template, Map<String, String> parameters,
                             Map<String, List<String>> arrays, boolean verified, String authid, int status,
                             String reason, String body) {

    /** Validates and copies. */
    public SimApiExchange {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(template, "template");
        parameters = Map.copyOf(parameters);
        arrays = Map.copyOf(arrays);
        Objects.requireNonNull(authid, "authid");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(body, "body");
    }
}
