package io.pveq.sim.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.sim.internal.state.AccessState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates an endpoint's {@code permissions} as the schema states them, the way
 * {@code PVE::RPCEnvironment::check_api2_permissions} does: {@code root@pam} passes everything; no
 * permissions at all means root only; {@code user: all} any authenticated caller, {@code user: world}
 * anyone; otherwise the {@code check} expression: {@code ["perm", PATH, [PRIVS], "any", 1,
 * "require_param", P]}, {@code ["and", ...]}, {@code ["or", ...]}, {@code ["userid-param", "self" |
 * "Realm.AllocateUser"]}, {@code ["userid-group", [PRIVS], ...]}, {@code ["perm-modify", PATH]}.
 * Path templates take their {@code {name}} values from the request's parameters.
 */
final class PermissionCheck {

    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");

    private final Access access;
    private final AccessState state;
    private final String authid;
    private final Map<String, String> params;

    private PermissionCheck(Access access, AccessState state, String authid, Map<String, String> params) {
        this.access = access;
        this.state = state;
        this.authid = authid;
        this.params = params;
    }

    /** Throws the 403 Proxmox answers unless {@code authid} passes {@code permissions}. */
    static void require(Access access, AccessState state, JsonNode permissions, String authid,
                        Map<String, String> params) {
        if (authid.equals(Access.ROOT)) {
            return;
        }
        if (permissions == null || permissions.isMissingNode() || permissions.isEmpty()) {
            throw ApiException.permission("user != root@pam");
        }
        String user = permissions.path("user").asText("");
        if (user.equals("all") || user.equals("world")) {
            return;
        }
        JsonNode check = permissions.get("check");
        if (check == null) {
            throw ApiException.permission(null);
        }
        new PermissionCheck(access, state, authid, params).evaluate(check, false);
    }

    /** @return true when the check passes; false only with {@code quiet}, else a 403 is thrown */
    private boolean evaluate(JsonNode check, boolean quiet) {
        String test = check.path(0).asText();
        switch (test) {
            case "and" -> {
                for (int i = 1; i < check.size(); i++) {
                    evaluate(check.get(i), false);
                }
                return true;
            }
            case "or" -> {
                for (int i = 1; i < check.size(); i++) {
                    if (evaluate(check.get(i), true)) {
                        return true;
                    }
                }
                return fail(quiet, null);
            }
            case "perm" -> {
                String template = check.path(1).asText();
                List<String> privileges = strings(check.path(2));
                boolean any = false;
                String requireParam = null;
                for (int i = 3; i + 1 < check.size(); i += 2) {
                    String option = check.get(i).asText();
                    if (option.equals("any")) {
                        any = check.get(i + 1).asInt() == 1 || check.get(i + 1).asBoolean();
                    } else if (option.equals("require_param")) {
                        requireParam = check.get(i + 1).asText();
                    }
                }
                if (requireParam != null && !params.containsKey(requireParam)) {
                    return fail(quiet, null);
                }
                String path = Access.normalizePath(fill(template));
                if (path == null) {
                    return fail(quiet, null);
                }
                if (quiet) {
                    return access.has(state, authid, path, privileges, any);
                }
                access.check(state, authid, path, privileges, any);
                return true;
            }
            case "userid-param" -> {
                String userid = params.getOrDefault("userid", "");
                String sub = check.path(1).asText();
                if (sub.equals("self")) {
                    return state.users.containsKey(userid) && userid.equals(authid) || fail(quiet, null);
                }
                String realm = userid.contains("@") ? userid.substring(userid.indexOf('@') + 1) : "";
                return checkPath(quiet, "/access/realm/" + realm, List.of("Realm.AllocateUser"), false);
            }
            case "userid-group" -> {
                // groups are not simulated: only a grant on all of /access/groups passes
                return checkPath(quiet, "/access/groups", strings(check.path(1)), true);
            }
            case "perm-modify" -> {
                String path = Access.normalizePath(fill(check.path(1).asText()));
                if (path == null) {
                    return fail(quiet, null);
                }
                List<String> privileges = new ArrayList<>(List.of("Permissions.Modify"));
                if (path.matches("/storage/.+")) {
                    privileges.add("Datastore.Allocate");
                } else if (path.matches("/vms/.+")) {
                    privileges.add("VM.Allocate");
                } else if (path.matches("/pool/.+")) {
                    privileges.add("Pool.Allocate");
                }
                return checkPath(quiet, path, privileges, true);
            }
            default -> throw new IllegalStateException("unknown permission test '" + test + "'");
        }
    }

    private boolean checkPath(boolean quiet, String path, List<String> privileges, boolean any) {
        if (quiet) {
            return access.has(state, authid, path, privileges, any);
        }
        access.check(state, authid, path, privileges, any);
        return true;
    }

    private static boolean fail(boolean quiet, String what) {
        if (quiet) {
            return false;
        }
        throw ApiException.permission(what);
    }

    private String fill(String template) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(params.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
