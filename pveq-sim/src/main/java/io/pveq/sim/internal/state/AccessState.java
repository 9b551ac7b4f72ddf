package io.pveq.sim.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The cluster's access control, as {@code /etc/pve/user.cfg} and {@code /etc/pve/priv/} hold it:
 * users with their passwords, API tokens, custom roles, ACL entries, and the secrets that sign
 * tickets and CSRF tokens. Part of the {@link ClusterState}, so every process sharing a state folder
 * (a second API server, the CLI launchers) sees the same users and accepts the same tickets.
 * Passwords and token secrets are kept as salted SHA-256 hashes; only the root token's secret is
 * kept in the clear, because the simulator hands it out ({@code SimApi.rootToken()}).
 */
public final class AccessState {
    /** Users by id ({@code alice@pve}); {@code root@pam} is always present. */
    public TreeMap<String, User> users = new TreeMap<>();
    /** Custom roles: name to privileges (the built-in roles are not stored). */
    public TreeMap<String, List<String>> roles = new TreeMap<>();
    /** ACL entries in the order they were added. */
    public List<Acl> acl = new ArrayList<>();
    /** Key signing tickets and CSRF tokens (base64), made once per cluster. */
    public String ticketKey = "";
    /** Id and secret of {@code root@pam}'s privileged token (the one the simulator hands out). */
    public String rootTokenId = "pveq";
    public String rootTokenSecret = "";
    /** The cluster CA and node certificates (PEM), made when the API face first starts. */
    public Pki pki = new Pki();

    /** {@code pve-root-ca.pem} with its key, and each node's {@code pve-ssl.pem} with its key. */
    public static final class Pki {
        public String caCertificate = "";
        public String caKey = "";
        public TreeMap<String, NodeCertificate> nodes = new TreeMap<>();
    }

    /** One node's certificate and key. */
    public static final class NodeCertificate {
        public String certificate;
        public String key;
    }

    /** One user. */
    public static final class User {
        public String userid;
        public boolean enabled = true;
        /** {@code salt$sha256hex}, empty when the user has no password (token only). */
        public String passwordHash = "";
        public TreeMap<String, Token> tokens = new TreeMap<>();
    }

    /** One API token of a user. */
    public static final class Token {
        public String id;
        /** {@code salt$sha256hex} of the secret. */
        public String secretHash;
        public boolean privsep = true;
        /** Expiry in epoch seconds, 0 for never. */
        public long expire;
    }

    /** One ACL entry: {@code ugid} is a user id or a token id ({@code user@realm!token}). */
    public static final class Acl {
        public String path;
        public String ugid;
        public String role;
        public boolean propagate = true;

        public Acl() {
        }

        public Acl(String path, String ugid, String role, boolean propagate) {
            this.path = path;
            this.ugid = ugid;
            this.role = role;
            this.propagate = propagate;
        }
    }
}
