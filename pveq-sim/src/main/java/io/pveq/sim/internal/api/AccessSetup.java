package io.pveq.sim.internal.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.sim.internal.state.AccessState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Users, tokens, roles and ACL entries configured on a builder or a launcher, checked and then
 * merged into the cluster's {@link AccessState} (added or replaced; nothing configured earlier in a
 * shared state folder is removed). Not thread-safe.
 */
public final class AccessSetup {

    private record UserDef(String userid, String password) {
    }

    private record TokenDef(String userid, String id, String secret, boolean privsep) {
    }

    private final Map<String, UserDef> users = new LinkedHashMap<>();
    private final List<TokenDef> tokens = new ArrayList<>();
    private final Map<String, Set<String>> roles = new LinkedHashMap<>();
    private final List<AccessState.Acl> acl = new ArrayList<>();

    /** Adds a user or sets its password (null: none). */
    public void user(String userid, String password) {
        requireUserid(userid);
        users.put(userid, new UserDef(userid, password));
    }

    /** Adds a token, and its user when not configured. */
    public void token(String userid, String id, String secret, boolean privsep) {
        requireUserid(userid);
        Objects.requireNonNull(secret, "secret");
        if (id == null || !id.matches("[A-Za-z][A-Za-z0-9.\\-_]+")) {
            throw new InvalidSpecException("token", "token id must be letters, digits, '.', '-' or '_', starting"
                    + " with a letter, got '" + InvalidSpecException.shorten(id) + "'");
        }
        if (secret.isBlank()) {
            throw new InvalidSpecException("token", "secret must not be blank");
        }
        users.putIfAbsent(userid, new UserDef(userid, null));
        tokens.add(new TokenDef(userid, id, secret, privsep));
    }

    public void role(String name, Set<String> privileges) {
        if (name == null || !name.matches("[A-Za-z0-9.\\-_]+")) {
            throw new InvalidSpecException("role", "role name must be letters, digits, '.', '-' or '_', got '"
                    + InvalidSpecException.shorten(name) + "'");
        }
        roles.put(name, new TreeSet<>(privileges));
    }

    public void acl(String path, String ugid, String role, boolean propagate) {
        String normal = Access.normalizePath(path);
        if (normal == null) {
            throw new InvalidSpecException("acl", "not an ACL path: '" + InvalidSpecException.shorten(path) + "'");
        }
        Objects.requireNonNull(ugid, "userOrToken");
        Objects.requireNonNull(role, "role");
        acl.add(new AccessState.Acl(normal, ugid, role, propagate));
    }

    /** Checks roles, privileges and the users and tokens ACL entries name, for a release. */
    public void validate(int major) {
        Set<String> valid = BuiltinRoles.privileges(major);
        Set<String> builtin = BuiltinRoles.roles(major).keySet();
        roles.forEach((name, privileges) -> {
            if (builtin.contains(name)) {
                throw new InvalidSpecException("role", "'" + name + "' is a built-in role");
            }
            for (String privilege : privileges) {
                if (!valid.contains(privilege)) {
                    throw new InvalidSpecException("role", "invalid privilege '" + privilege + "' in role '" + name
                            + "' for Proxmox VE " + major);
                }
            }
        });
        for (AccessState.Acl entry : acl) {
            if (!builtin.contains(entry.role) && !roles.containsKey(entry.role)) {
                throw new InvalidSpecException("acl", "role '" + entry.role + "' does not exist");
            }
            int bang = entry.ugid.indexOf('!');
            String user = bang < 0 ? entry.ugid : entry.ugid.substring(0, bang);
            boolean known = users.containsKey(user) || user.equals(Access.ROOT);
            if (bang >= 0) {
                String token = entry.ugid.substring(bang + 1);
                known = tokens.stream().anyMatch(t -> t.userid.equals(user) && t.id.equals(token))
                        || (user.equals(Access.ROOT) && token.equals("pveq"));
            }
            if (!known) {
                throw new InvalidSpecException("acl", "no such user or token '" + entry.ugid + "'");
            }
        }
    }

    /** Merges the definitions into the cluster's access state. */
    public void apply(AccessState state) {
        users.values().forEach(def -> {
            AccessState.User user = state.users.computeIfAbsent(def.userid, id -> {
                AccessState.User made = new AccessState.User();
                made.userid = id;
                return made;
            });
            if (def.password != null) {
                user.passwordHash = Access.hash(def.password);
            }
        });
        state.users.computeIfAbsent(Access.ROOT, id -> {
            AccessState.User root = new AccessState.User();
            root.userid = id;
            return root;
        });
        for (TokenDef def : tokens) {
            AccessState.Token token = new AccessState.Token();
            token.id = def.id;
            token.secretHash = Access.hash(def.secret);
            token.privsep = def.privsep;
            state.users.get(def.userid).tokens.put(def.id, token);
        }
        roles.forEach((name, privileges) -> state.roles.put(name, new ArrayList<>(privileges)));
        for (AccessState.Acl entry : acl) {
            state.acl.removeIf(e -> e.path.equals(entry.path) && e.ugid.equals(entry.ugid) && e.role.equals(entry.role));
            state.acl.add(entry);
        }
    }

    private static void requireUserid(String userid) {
        if (userid == null || !userid.matches("[^\\s:/@]+@(pam|pve)")) {
            throw new InvalidSpecException("user", "user id must be name@pam or name@pve, got '"
                    + InvalidSpecException.shorten(userid) + "'");
        }
    }
}
