package io.pveq.sim.internal.api;

import io.pveq.sim.internal.state.AccessState;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Privileges as pve-access-control computes them: ACL entries on a path and its parents (an entry
 * on a parent counts only when it propagates; the deepest level with an entry for the user wins,
 * replacing what was above), roles expanded to privileges, {@code root@pam} holding everything, and
 * API tokens either sharing their user's privileges or, with privilege separation, holding only what
 * both the token's own ACL entries and the user grant. Groups and pools are not simulated. Stateless:
 * every method works on an {@link AccessState} read under the store's lock.
 */
final class Access {

    static final String ROOT = "root@pam";

    private final Map<String, Set<String>> builtin;
    private final Set<String> valid;

    Access(int major) {
        this.builtin = BuiltinRoles.roles(major);
        this.valid = BuiltinRoles.privileges(major);
    }

    /** @return true when {@code privilege} exists in this release */
    boolean validPrivilege(String privilege) {
        return valid.contains(privilege);
    }

    /** @return the privileges of a role (built-in or custom), if the role exists */
    Optional<Set<String>> role(AccessState access, String name) {
        Set<String> own = builtin.get(name);
        if (own != null) {
            return Optional.of(own);
        }
        List<String> custom = access.roles.get(name);
        return custom == null ? Optional.empty() : Optional.of(Set.copyOf(custom));
    }

    /** @return the built-in role names */
    Set<String> builtinRoles() {
        return builtin.keySet();
    }

    /**
     * @param authid a user id ({@code alice@pve}) or token id ({@code alice@pve!ci})
     * @param path   a normalised ACL path
     * @return privilege to propagate flag; empty when none
     */
    Map<String, Boolean> privileges(AccessState access, String authid, String path) {
        if (authid.equals(ROOT)) {
            Map<String, Boolean> all = new TreeMap<>();
            valid.forEach(p -> all.put(p, true));
            return all;
        }
        int bang = authid.indexOf('!');
        if (bang >= 0) {
            String user = authid.substring(0, bang);
            AccessState.User owner = access.users.get(user);
            AccessState.Token token = owner == null ? null : owner.tokens.get(authid.substring(bang + 1));
            if (token == null) {
                return Map.of();
            }
            Map<String, Boolean> userPrivileges = privileges(access, user, path);
            if (!token.privsep) {
                return userPrivileges;
            }
            Map<String, Boolean> own = fromRoles(access, roles(access, authid, path));
            Map<String, Boolean> both = new TreeMap<>();
            own.forEach((privilege, propagate) -> {
                Boolean fromUser = userPrivileges.get(privilege);
                if (fromUser != null) {
                    both.put(privilege, propagate && fromUser);
                }
            });
            return both;
        }
        AccessState.User user = access.users.get(authid);
        if (user == null || !user.enabled) {
            return Map.of();
        }
        return fromRoles(access, roles(access, authid, path));
    }

    /** @return true when {@code authid} holds all (or, with {@code any}, one) of {@code privileges} on {@code path} */
    boolean has(AccessState access, String authid, String path, List<String> privileges, boolean any) {
        Map<String, Boolean> held = privileges(access, authid, path);
        for (String privilege : privileges) {
            boolean present = held.containsKey(privilege);
            if (any && present) {
                return true;
            }
            if (!any && !present) {
                return false;
            }
        }
        return !any || privileges.isEmpty();
    }

    /** Throws Proxmox's 403 unless the check passes: {@code (path, Priv)} or {@code (path, A|B)} with {@code any}. */
    void check(AccessState access, String authid, String path, List<String> privileges, boolean any) {
        if (has(access, authid, path, privileges, any)) {
            return;
        }
        if (any) {
            throw ApiException.permission(path + ", " + String.join("|", privileges));
        }
        Map<String, Boolean> held = privileges(access, authid, path);
        for (String privilege : privileges) {
            if (!held.containsKey(privilege)) {
                throw ApiException.permission(path + ", " + privilege);
            }
        }
    }

    private Map<String, Boolean> fromRoles(AccessState access, Map<String, Boolean> roles) {
        Map<String, Boolean> privileges = new TreeMap<>();
        roles.forEach((role, propagate) -> role(access, role).ifPresent(set -> set.forEach(
                p -> privileges.merge(p, propagate, Boolean::logicalOr))));
        return privileges;
    }

    /** AccessControl::roles without groups and pools: role to propagate flag on {@code path}. */
    private static Map<String, Boolean> roles(AccessState access, String ugid, String path) {
        List<String> levels = new ArrayList<>();
        levels.add("/");
        if (!path.equals("/")) {
            StringBuilder prefix = new StringBuilder();
            for (String part : path.substring(1).split("/")) {
                prefix.append('/').append(part);
                levels.add(prefix.toString());
            }
        }
        Map<String, Boolean> roles = new TreeMap<>();
        for (int i = 0; i < levels.size(); i++) {
            boolean last = i == levels.size() - 1;
            Map<String, Boolean> found = null;
            for (AccessState.Acl entry : access.acl) {
                if (entry.ugid.equals(ugid) && entry.path.equals(levels.get(i)) && (last || entry.propagate)) {
                    if (found == null) {
                        found = new TreeMap<>();
                    }
                    found.put(entry.role, entry.propagate);
                }
            }
            if (found != null) {
                roles = found;
            }
        }
        return roles;
    }

    /** Proxmox's normalize_path: one slash between parts, none at the end; null when not an ACL path. */
    static String normalizePath(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        String clean = path.replaceAll("/+", "/");
        if (clean.endsWith("/") && clean.length() > 1) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (!clean.startsWith("/")) {
            clean = "/" + clean;
        }
        return clean.matches("[A-Za-z0-9.\\-_/]+") ? clean : null;
    }

    /** @return {@code salt$hex(sha256(salt + secret))} */
    static String hash(String secret) {
        byte[] salt = new byte[8];
        new SecureRandom().nextBytes(salt);
        String saltHex = HexFormat.of().formatHex(salt);
        return saltHex + "$" + sha256Hex(saltHex + secret);
    }

    /** @return true when {@code secret} matches a {@link #hash} value (constant time in the digest) */
    static boolean matches(String stored, String secret) {
        int dollar = stored == null ? -1 : stored.indexOf('$');
        if (dollar < 0 || secret == null) {
            return false;
        }
        byte[] expected = stored.substring(dollar + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = sha256Hex(stored.substring(0, dollar) + secret).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
