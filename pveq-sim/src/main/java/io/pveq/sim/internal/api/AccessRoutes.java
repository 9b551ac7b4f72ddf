package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.AccessState;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** {@code /access/ticket}, {@code /access/permissions} and {@code /version}. */
final class AccessRoutes {

    private static final Map<String, Pattern> CAP_GROUPS = Map.of(
            "vms", Pattern.compile("VM\\.|Permissions\\.Modify"),
            "access", Pattern.compile("(User|Group)\\.|Permissions\\.Modify"),
            "storage", Pattern.compile("Datastore\\.|Permissions\\.Modify"),
            "nodes", Pattern.compile("Sys\\.|Permissions\\.Modify"),
            "sdn", Pattern.compile("SDN\\.|Permissions\\.Modify"),
            "dc", Pattern.compile("Sys\\.Audit|Sys\\.Modify|SDN\\."),
            "mapping", Pattern.compile("Mapping\\.|Permissions.Modify"));

    private AccessRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.get("/version").handle(call -> call.data().version());
        routes.get("/access/ticket").handle(call -> null);
        routes.post("/access/ticket")
                .rule("username", Rule.string(64))
                .rule("password", Rule.string(0))
                .rule("realm", value -> value.length() > 32 ? java.util.Optional.of("value may only be 32 characters long")
                        : Rule.pattern("[A-Za-z][A-Za-z0-9.\\-_]+").check(value))
                .rule("otp", Rule.string(0))
                .rule("path", Rule.string(64))
                .rule("privs", Rule.string(64))
                .rule("new-format", Rule.bool())
                .handle(AccessRoutes::ticket);
        routes.get("/access/permissions")
                .rule("userid", ApiRules.AUTHID)
                .rule("path", Rule.string(0))
                .handle(AccessRoutes::permissions);
    }

    private static Object ticket(ApiCall call) {
        String username = call.param("username");
        if (call.optional("realm").isPresent() && !username.contains("@")) {
            username = username + "@" + call.param("realm");
        }
        String password = call.param("password");
        String userid = username;
        long now = call.engine().time().nowMillis() / 1000;
        boolean valid = call.read(state -> {
            AccessState.User user = state.access.users.get(userid);
            if (user == null || !user.enabled) {
                return false;
            }
            Optional<Tickets.Verified> renewal = Authentication.tickets(state.access).verify(password, now);
            if (renewal.isPresent()) {
                String owner = renewal.get().userid();
                return owner.equals(userid) || owner.equals(Access.ROOT);
            }
            return Access.matches(user.passwordHash, password);
        });
        if (!valid) {
            throw ApiException.authentication("authentication failure");
        }
        if (call.optional("path").isPresent() && call.optional("privs").isPresent()) {
            String path = Access.normalizePath(call.param("path"));
            List<String> privileges = List.of(call.param("privs").split("[,;\\s]+"));
            boolean granted = path != null && call.read(state -> call.context().access().has(state.access, userid, path,
                    privileges, false));
            if (!granted) {
                throw ApiException.authentication("authentication failure");
            }
            return Map.of("username", userid);
        }
        Map<String, Object> out = new TreeMap<>();
        call.read(state -> {
            Tickets tickets = Authentication.tickets(state.access);
            out.put("ticket", tickets.ticket(userid, now));
            out.put("CSRFPreventionToken", tickets.csrf(userid, now));
            out.put("cap", capabilities(call.context().access(), state.access, userid));
            return null;
        });
        out.put("username", userid);
        return out;
    }

    /** compute_api_permission: the privileges a client's UI may offer, per area. */
    private static Map<String, Object> capabilities(Access access, AccessState state, String authid) {
        Map<String, Object> out = new TreeMap<>();
        Map<String, Map<String, Integer>> groups = new TreeMap<>();
        CAP_GROUPS.keySet().forEach(g -> groups.put(g, new TreeMap<>()));
        Set<String> paths = new LinkedHashSet<>(List.of("/", "/nodes", "/access/groups", "/vms", "/storage", "/sdn",
                "/mapping"));
        state.acl.forEach(entry -> paths.add(entry.path));
        for (String path : paths) {
            String top = path.equals("/") ? "dc" : path.substring(1).split("/")[0];
            Pattern pattern = CAP_GROUPS.get(top);
            for (String privilege : access.privileges(state, authid, path).keySet()) {
                if (top.equals("pool")) {
                    if (privilege.startsWith("VM.")) {
                        groups.get("vms").put(privilege, 1);
                    } else if (privilege.startsWith("Datastore.")) {
                        groups.get("storage").put(privilege, 1);
                    }
                } else if (pattern != null && pattern.matcher(privilege).lookingAt()) {
                    groups.get(top).put(privilege, 1);
                }
            }
        }
        out.putAll(groups);
        return out;
    }

    /** get_effective_permissions: path to privilege to propagate flag (1/0), paths without any left out. */
    private static Object permissions(ApiCall call) {
        String target = call.optional("userid").orElse(call.authid());
        if (!target.equals(call.authid()) && !target.startsWith(call.authid() + "!")) {
            call.check("/access", "Sys.Audit");
        }
        return call.read(state -> {
            Set<String> paths = new LinkedHashSet<>(List.of("/", "/access", "/access/groups", "/nodes", "/pool", "/sdn",
                    "/storage", "/vms"));
            state.access.acl.forEach(entry -> paths.add(entry.path));
            Optional<String> only = call.optional("path").map(Access::normalizePath);
            Map<String, Object> out = new TreeMap<>();
            for (String path : only.map(Set::of).orElse(paths)) {
                Map<String, Integer> privileges = new TreeMap<>();
                call.context().access().privileges(state.access, target, path)
                        .forEach((privilege, propagate) -> privileges.put(privilege, propagate ? 1 : 0));
                if (!privileges.isEmpty() || only.isPresent()) {
                    out.put(path, privileges);
                }
            }
            return out;
        });
    }
}
