package io.pveq.api.internal;

import io.pveq.api.ApiToken;
import io.pveq.api.CachePolicy;
import io.pveq.api.ClusterApi;
import io.pveq.api.NodeApi;
import io.pveq.api.PveVersion;
import io.pveq.api.RetryPolicy;
import io.pveq.api.StorageApi;
import io.pveq.api.TaskApi;
import io.pveq.api.TlsTrust;
import io.pveq.api.VmApi;
import io.pveq.core.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Everything one {@link io.pveq.api.ProxmoxApi} holds: its OkHttp client (one connection pool for all
 * calls), executor, authentication and the role implementations. Closing releases what it created and
 * nothing an injected client owns. Thread-safe.
 */
public final class ApiClients implements AutoCloseable {

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** Builder values, as {@link io.pveq.api.ProxmoxApi.Builder} collected them. */
    public record Settings(HttpUrl base, Optional<ApiToken> token, Optional<String> user, Optional<Secret> password,
                           Supplier<Optional<String>> otp, TlsTrust trust, Duration connectTimeout,
                           Duration readTimeout, Duration writeTimeout, Optional<OkHttpClient> httpClient, Clock clock,
                           RetryPolicy retry, CachePolicy cache, Duration firstPoll, Duration maxPoll,
                           Optional<Executor> executor, int maxIdleConnections, Duration keepAlive) {
    }

    private final OkHttpClient client;
    private final boolean ownsClient;
    private final ExecutorService ownedExecutor;
    private final ApiHttp http;
    private final Auth auth;
    private final ClusterCalls cluster;
    private final NodeCalls nodes;
    private final TaskCalls tasks;
    private final VmCalls vms;
    private final StorageCalls storage;
    private final AgentCalls agent;
    private final AccessCalls access;
    private final ContainerCalls containers;
    private final SnapshotCalls snapshots;
    private final BackupCalls backups;
    private final StatsCalls stats;
    private final LookupCalls lookup;
    private final ConsoleCalls consoles;

    /** @param s the settings */
    public ApiClients(Settings s) {
        OkHttpClient.Builder builder = s.httpClient().map(OkHttpClient::newBuilder).orElseGet(() -> new OkHttpClient
                .Builder().connectionPool(new ConnectionPool(s.maxIdleConnections(), s.keepAlive().toMillis(),
                        TimeUnit.MILLISECONDS)));
        builder.connectTimeout(s.connectTimeout()).readTimeout(s.readTimeout()).writeTimeout(s.writeTimeout())
                .retryOnConnectionFailure(false) // retries are decided by the RetryPolicy, never blindly for writes
                .followRedirects(false).followSslRedirects(false);
        TlsSetup.apply(builder, s.trust(), s.base().host());
        this.client = builder.build();
        this.ownsClient = s.httpClient().isEmpty();
        Executor executor;
        if (s.executor().isPresent()) {
            executor = s.executor().get();
            ownedExecutor = null;
        } else {
            ownedExecutor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "pveq-api-" + THREAD_IDS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            executor = ownedExecutor;
        }
        this.http = new ApiHttp(client, s.base(), s.retry(), s.cache(), s.clock(), pause -> Thread.sleep(pause.toMillis()));
        if (s.token().isPresent()) {
            this.auth = new TokenAuth(s.token().get());
        } else {
            this.auth = new TicketAuth(s.user().orElseThrow(), s.password().orElseThrow(), s.otp(), s.clock(),
                    http::login);
        }
        http.auth(auth);
        this.cluster = new ClusterCalls(http);
        this.nodes = new NodeCalls(http);
        this.tasks = new TaskCalls(http, s.firstPoll(), s.maxPoll(), executor);
        this.vms = new VmCalls(http, tasks, auth::who);
        this.storage = new StorageCalls(http);
        this.agent = new AgentCalls(http);
        this.access = new AccessCalls(http);
        this.containers = new ContainerCalls(http);
        this.snapshots = new SnapshotCalls(http, tasks);
        this.backups = new BackupCalls(http, tasks);
        this.stats = new StatsCalls(http);
        this.lookup = new LookupCalls(cluster, agent, containers);
        this.consoles = new ConsoleCalls(http);
    }

    /** @return the container role */
    public io.pveq.api.ContainerApi containers() {
        return containers;
    }

    /** @return the console role */
    public io.pveq.api.ConsoleApi consoles() {
        return consoles;
    }

    /** @return the lookup role */
    public io.pveq.api.LookupApi lookup() {
        return lookup;
    }

    /** @return the statistics role */
    public io.pveq.api.StatsApi stats() {
        return stats;
    }

    /** @return the backup role */
    public io.pveq.api.BackupApi backups() {
        return backups;
    }

    /** @return the snapshot role */
    public io.pveq.api.SnapshotApi snapshots() {
        return snapshots;
    }

    /** @return the answering node's version */
    public PveVersion version() {
        return Readers.version(http.call(ApiCall.get(io.pveq.api.CacheKind.VERSION, FormParams.empty(), "version")));
    }

    /** @return the cluster role */
    public ClusterApi cluster() {
        return cluster;
    }

    /** @return the node role */
    public NodeApi nodes() {
        return nodes;
    }

    /** @return the VM role */
    public VmApi vms() {
        return vms;
    }

    /** @return the storage role */
    public StorageApi storage() {
        return storage;
    }

    /** @return the guest agent role */
    public io.pveq.api.GuestAgentApi agent() {
        return agent;
    }

    /** @return the access role */
    public io.pveq.api.AccessApi access() {
        return access;
    }

    /** @return the task role */
    public TaskApi tasks() {
        return tasks;
    }

    /** @return the user or token id requests are sent as */
    public String who() {
        return auth.who();
    }

    /** @return the HTTP executor (for the client's own extensions) */
    public ApiHttp http() {
        return http;
    }

    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        if (ownsClient) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
