package io.pveq.api;

import io.pveq.api.internal.ApiClients;
import io.pveq.api.internal.ApiOps;
import io.pveq.core.ClusterConnection;
import io.pveq.core.Secret;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.ProxmoxOps;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A client of one Proxmox VE cluster's REST API ({@code https://HOST:8006/api2/json}).
 *
 * <pre>{@code
 * try (ProxmoxApi pve = ProxmoxApi.builder()
 *         .url("https://pve1.lan:8006")
 *         .token(ApiToken.parse(System.getenv("PVE_TOKEN")))          // pveq@pve!provision=...
 *         .trust(TlsTrust.pinned("AB:CD:...:EF"))                       // or caFile(pve-root-ca.pem)
 *         .build()) {
 *     VmId id = pve.cluster().nextId();
 *     Upid create = pve.vms().create(NodeName.of("pve1"), VmCreateSpec.builder(id).name("web").build());
 *     pve.tasks().await(create, Duration.ofMinutes(5), TaskListener.NONE);
 * }
 * }</pre>
 *
 * <p>Authentication is an API token (no login, no CSRF token) or a password ticket, logged in on first
 * use, renewed before its two hours run out, sent with its CSRF token on writes, and logged in afresh
 * once when Proxmox answers 401. TLS trust is always chosen explicitly ({@link TlsTrust}). All calls share
 * one OkHttp connection pool (keep-alive); the client is thread-safe and meant to be shared, one per
 * cluster ({@link ProxmoxClusters} holds several). Retries follow {@link RetryPolicy}; an optional
 * read cache follows {@link CachePolicy}. Every call blocks; {@link TaskApi#awaitAsync} runs on the
 * client's executor. {@link #close()} releases the connection pool and threads the client created
 * (not those of an injected {@link OkHttpClient}).
 *
 * <p>A client is also a {@link ClusterConnection}: {@code VmProvisioner.builder().connect(api)} has the
 * provisioner drive the cluster through it (REST API only, no shell on any node); the provisioner then owns
 * the client and closes it.
 */
public final class ProxmoxApi implements ClusterConnection {

    private final URI url;
    private final ApiClients clients;

    private ProxmoxApi(URI url, ApiClients clients) {
        this.url = url;
        this.clients = clients;
    }

    /** @return a builder; {@link Builder#url}, credentials and {@link Builder#trust} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the cluster as a whole: status, resources, next free VMID */
    public ClusterApi cluster() {
        return clients.cluster();
    }

    /** @return nodes and their storages */
    public NodeApi nodes() {
        return clients.nodes();
    }

    /** @return QEMU virtual machines */
    public VmApi vms() {
        return clients.vms();
    }

    /** @return uploads and downloads onto storages */
    public StorageApi storage() {
        return clients.storage();
    }

    /** @return the QEMU guest agent inside VMs: ping, addresses, exec */
    public GuestAgentApi agent() {
        return clients.agent();
    }

    /** @return what the client's user or token may do ({@code /access/permissions}) */
    public AccessApi access() {
        return clients.access();
    }

    /** @return LXC containers: list, state, power, config, destroy, addresses */
    public ContainerApi containers() {
        return clients.containers();
    }

    /** @return snapshots of VMs and containers: tree, take, roll back, delete (each awaited) */
    public SnapshotApi snapshots() {
        return clients.snapshots();
    }

    /** @return VNC and terminal proxy tickets of guests and nodes, their websocket and browser URLs */
    public ConsoleApi consoles() {
        return clients.consoles();
    }

    /** @return guests by IP address, host name or name/alias; nodes by host name or IP */
    public LookupApi lookup() {
        return clients.lookup();
    }

    /** @return live and historical resource use of guests and nodes, watched with one poll per target */
    public StatsApi stats() {
        return clients.stats();
    }

    /** @return VM backups: vzdump, list, restore, delete (each awaited) */
    public BackupApi backups() {
        return clients.backups();
    }

    /** @return tasks: status, log, await, stop */
    public TaskApi tasks() {
        return clients.tasks();
    }

    /** @return the answering node's Proxmox VE version ({@code GET /version}) */
    public PveVersion version() {
        return clients.version();
    }

    /** @return the base URL, e.g. {@code https://pve1:8006} */
    public URI url() {
        return url;
    }

    /** @return the user or token id requests are sent as, e.g. {@code pveq@pve!provision} */
    public String who() {
        return clients.who();
    }

    /** Empties the read cache (a no-op when caching is off). */
    public void invalidateCache() {
        clients.http().invalidateCache();
    }

    /** For {@code VmProvisioner.Builder}: the engine's operations over this client (internal). */
    @Override
    public ProxmoxOps open(OpsContext context) {
        return new ApiOps(this, clients, context);
    }

    /** Releases the connection pool and threads this client created. Idempotent. */
    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "ProxmoxApi[" + url + " as " + who() + "]";
    }

    /**
     * Configures a {@link ProxmoxApi}. Not thread-safe. Defaults: connect timeout 10 s, read and write
     * timeouts 60 s, {@link RetryPolicy#defaults()}, {@link CachePolicy#off()}, the system clock, task
     * polling from 100 ms growing to 1 s, up to 16 idle pooled connections kept 60 s.
     */
    public static final class Builder {
        private URI url;
        private ApiToken token;
        private String user;
        private Secret password;
        private Supplier<Optional<String>> otp = Optional::empty;
        private TlsTrust trust;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration writeTimeout = Duration.ofSeconds(60);
        private OkHttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retry = RetryPolicy.defaults();
        private CachePolicy cache = CachePolicy.off();
        private Duration firstPoll = Duration.ofMillis(100);
        private Duration maxPoll = Duration.ofSeconds(1);
        private Executor executor;
        private int maxIdleConnections = 16;
        private Duration keepAlive = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * @param url {@code https://HOST[:PORT]} (port 8006 when left out); a path, if any, is ignored
         * @return this
         */
        public Builder url(String url) {
            return url(URI.create(Objects.requireNonNull(url, "url")));
        }

        /** @param url {@code https://HOST[:PORT]} @return this */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("the Proxmox API URL must be https://HOST[:PORT], got " + url);
            }
            this.url = URI.create("https://" + (url.getHost().contains(":") && !url.getHost().startsWith("[")
                    ? "[" + url.getHost() + "]" : url.getHost()) + ":" + (url.getPort() < 0 ? 8006 : url.getPort()));
            return this;
        }

        /** @param token an API token (replaces a ticket login given before) @return this */
        public Builder token(ApiToken token) {
            this.token = Objects.requireNonNull(token, "token");
            this.user = null;
            this.password = null;
            return this;
        }

        /** @param token {@code USER@REALM!TOKENID=SECRET} @return this */
        public Builder token(String token) {
            return token(ApiToken.parse(token));
        }

        /**
         * Password login with a ticket (replaces a token given before).
         *
         * @param user     {@code USER@REALM}, e.g. {@code root@pam}
         * @param password the password
         * @return this
         */
        public Builder ticket(String user, Secret password) {
            return ticket(user, password, Optional::empty);
        }

        /**
         * Password login with a one-time password for two-factor authentication, asked for at every login.
         *
         * @param user     {@code USER@REALM}
         * @param password the password
         * @param otp      gives the current one-time password
         * @return this
         */
        public Builder ticket(String user, Secret password, Supplier<Optional<String>> otp) {
            if (Objects.requireNonNull(user, "user").indexOf('@') < 1) {
                throw new IllegalArgumentException("a Proxmox user is USER@REALM, e.g. root@pam, got '" + user + "'");
            }
            this.user = user;
            this.password = Objects.requireNonNull(password, "password");
            this.otp = Objects.requireNonNull(otp, "otp");
            this.token = null;
            return this;
        }

        /** @param trust which server certificates to accept (required) @return this */
        public Builder trust(TlsTrust trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** @param timeout for opening a connection @return this */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** @param timeout between bytes of an answer; Proxmox's synchronous calls can take long @return this */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** @param timeout between bytes of a request (uploads) @return this */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * Shares an OkHttp client's connection pool and dispatcher (its TLS and timeout settings are replaced
         * by this builder's). {@link ProxmoxApi#close()} leaves them to their owner.
         *
         * @param client the client to derive from
         * @return this
         */
        public Builder httpClient(OkHttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @param clock for ticket age, task deadlines and cache expiry @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param retry when to retry @return this */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** @param cache what reads may be answered from memory @return this */
        public Builder cache(CachePolicy cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * @param first the pause after the first status poll of an awaited task
         * @param max   the longest pause between polls
         * @return this
         */
        public Builder taskPolling(Duration first, Duration max) {
            this.firstPoll = positive(first, "first");
            this.maxPoll = positive(max, "max");
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("the longest poll pause must not be shorter than the first");
            }
            return this;
        }

        /** @param executor runs {@link TaskApi#awaitAsync}; by default the client's own daemon threads @return this */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param maxIdle   idle keep-alive connections kept in the pool
         * @param keepAlive how long an idle connection is kept
         * @return this
         */
        public Builder connectionPool(int maxIdle, Duration keepAlive) {
            if (maxIdle < 1) {
                throw new IllegalArgumentException("keep at least one idle connection");
            }
            this.maxIdleConnections = maxIdle;
            this.keepAlive = positive(keepAlive, "keepAlive");
            return this;
        }

        /**
         * @return the client; no request is sent yet (a ticket login happens on first use)
         * @throws IllegalStateException naming what is missing: the URL, credentials or the TLS trust
         */
        public ProxmoxApi build() {
            if (url == null) {
                throw new IllegalStateException("no Proxmox API URL: call url(\"https://HOST:8006\")");
            }
            if (token == null && user == null) {
                throw new IllegalStateException("no credentials: call token(...) or ticket(user, password)");
            }
            if (trust == null) {
                throw new IllegalStateException("no TLS trust chosen: call trust(TlsTrust.pinned(fingerprint)),"
                        + " trust(TlsTrust.caFile(path)), trust(TlsTrust.systemCas()) or, for throw-away labs only,"
                        + " trust(TlsTrust.insecure())");
            }
            HttpUrl base = HttpUrl.get(url.toString());
            ApiClients clients = new ApiClients(new ApiClients.Settings(base, Optional.ofNullable(token),
                    Optional.ofNullable(user), Optional.ofNullable(password), otp, trust, connectTimeout, readTimeout,
                    writeTimeout, Optional.ofNullable(httpClient), clock, retry, cache, firstPoll, maxPoll,
                    Optional.ofNullable(executor), maxIdleConnections, keepAlive));
            return new ProxmoxApi(url, clients);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
