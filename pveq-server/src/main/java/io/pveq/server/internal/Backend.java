package io.pveq.server.internal;

import io.pveq.api.ProxmoxApi;
import io.pveq.api.TlsTrust;
import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TlsTrust;
import io.pveq.core.CommandLineCluster;
import io.pveq.core.VmProvisioner;
import io.pveq.core.transport.LocalCommandTransport;
import io.pveq.images.ImageCache;
import io.pveq.server.ApiConfig;
import io.pveq.server.BackendConfig;
import io.pveq.server.EnvConfig;
import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import io.pveq.ssh.HostKeyPolicy;
import io.pveq.ssh.SshCommandTransport;
import io.pveq.ssh.SshGuestAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the provisioner the server runs on. Simulated mode (nothing configured): a 3-node
 * {@link SimulatedCluster} with its guest access and address probe, and the real image cache
 * downloading from the simulator's {@link SimImageMirror}. Cluster mode: the main node through a
 * {@link LocalCommandTransport} ({@code TRANSPORT=local}) or SSH, the other nodes through
 * {@link SshCommandTransport}, guests through {@link SshGuestAccess}, images through
 * {@link ImageCache} with the configured mirrors. Every call to Proxmox is counted by a
 * {@link MetricsListener}. Jobs run on a bounded pool: {@code JOB_WORKERS} threads and a queue of
 * {@code JOB_QUEUE}.
 */
public final class Backend {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Backend.class);

    private Backend() {
    }

    /**
     * A provisioner and the extra resources to close after it.
     *
     * @param provisioner the provisioner
     * @param extra       closed after the provisioner, in order
     * @param facts       for {@code GET /api/info}
     * @param api         the Proxmox REST API of the cluster, when there is one (the simulated cluster's API face)
     */
    public record Built(VmProvisioner provisioner, List<AutoCloseable> extra, Map<String, Object> facts,
                        Optional<ProxmoxApi> api) {

        /** A backend without the Proxmox REST API. */
        public Built(VmProvisioner provisioner, List<AutoCloseable> extra, Map<String, Object> facts) {
            this(provisioner, extra, facts, Optional.empty());
        }
    }

    /**
     * @param config  the configuration
     * @param metrics counts commands per node
     * @return the provisioner and what to close with it
     * @throws io.pveq.core.InvalidSpecException naming the variable when a setting cannot be used
     */
    public static Built create(EnvConfig config, ServerMetrics metrics) {
        if (!config.simulated()) {
            return cluster(config, metrics);
        }
        Optional<GuestImages> guestImages = Optional.empty();
        RealGuests real = null;
        if (config.backend().simGuests() == BackendConfig.SimGuests.QEMU) {
            GuestImages images = GuestImages.in(config.backend().simGuestImages().orElseThrow());
            if (images.images().isEmpty()) {
                throw new io.pveq.core.InvalidSpecException("SIM_GUEST_IMAGES", "holds no built image: run"
                        + " pveq-sim/guest-images/ensure-images.sh and give the folder it prints");
            }
            if (!Files.isExecutable(RealGuests.DEFAULT_QEMU)) {
                throw new io.pveq.core.InvalidSpecException("SIM_GUESTS", "qemu needs " + RealGuests.DEFAULT_QEMU
                        + " (apt-get install qemu-system-x86)");
            }
            // the simulated cluster's real guests are reached over real SSH; closed with the cluster
            real = RealGuests.of(SshGuestAccess.builder(config.backend().guestKey()).build(), images);
            guestImages = Optional.of(images);
        }
        int apiPort = config.backend().simApiPort();
        if (apiPort == 0) {
            return simulated(config, metrics, simulator(config, real).build(), guestImages);
        }
        String loopback = loopbackOf(config.server().bindAddress());
        SimulatedCluster cluster;
        String apiError = null;
        try {
            cluster = simulator(config, real).api(SimApi.Options.defaults().withBindAddress(loopback).withPort(apiPort)).build();
        } catch (UncheckedIOException e) {
            // a demo must not fail because another program holds the port: run without the API and say so
            LOG.warn("the simulated cluster's Proxmox API is off: {} (set SIM_API_PORT to a free port, or 0)",
                    e.getMessage());
            apiError = String.valueOf(e.getMessage());
            cluster = simulator(config, real).build();
        }
        Built built = simulated(config, metrics, cluster, guestImages);
        if (apiError != null) {
            built.facts().put("sim_api", Map.of("error", apiError));
        }
        return built;
    }

    /**
     * @return the simulated cluster's builder: its speed, with {@code SIM_STATE_DIR} its folder, with
     *         {@code SIM_GUESTS=qemu} its real guests
     */
    private static SimulatedCluster.Builder simulator(EnvConfig config, RealGuests real) {
        SimulatedCluster.Builder sim = SimulatedCluster.builder().speedFactor(config.backend().simSpeed());
        if (real != null) {
            sim.realGuests(real);
        }
        config.state().simState().ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new io.pveq.core.InvalidSpecException("SIM_STATE_DIR", "cannot create " + dir + ": " + e.getMessage());
            }
            sim.stateFolder(dir);
        });
        return sim;
    }

    /** @return the loopback address of the family of {@code bindAddress} (IPv6 for an IPv6 address) */
    static String loopbackOf(String bindAddress) {
        return bindAddress.contains(":") ? "::1" : bindAddress.startsWith("127.") ? bindAddress : "127.0.0.1";
    }

    /**
     * Simulated mode over a given simulator (tests and benchmarks pick its speed and keep a handle
     * on its state). The built result owns the cluster and closes it.
     *
     * @param config  the configuration (its settings must match the simulator's nodes and storage)
     * @param metrics metrics
     * @param cluster the simulator, with the default three nodes
     * @return the provisioner, the simulator and the mirror
     */
    public static Built simulated(EnvConfig config, ServerMetrics metrics, SimulatedCluster cluster) {
        return simulated(config, metrics, cluster, Optional.empty());
    }

    /**
     * Simulated mode over a given simulator whose Debian VMs may boot real guests: the mirror then
     * publishes the built images so that installs download and import them.
     *
     * @param images the built guest images, when the cluster boots real guests
     */
    public static Built simulated(EnvConfig config, ServerMetrics metrics, SimulatedCluster cluster,
                                  Optional<GuestImages> guestImages) {
        List<AutoCloseable> extra = new ArrayList<>();
        SimImageMirror mirror = SimImageMirror.start();
        guestImages.ifPresent(mirror::publish);
        ExecutorService jobs = jobPool(config);
        JobStore store = null;
        try {
            store = JobStore.open(config);
            boolean temporary = config.backend().imageCacheDir().isEmpty();
            Path cacheDir = temporary ? Files.createTempDirectory("pveq-sim-images") : config.backend().imageCacheDir().get();
            ImageCache images = ImageCache.builder(cacheDir).mirror("debian", mirror.debianBase())
                    .mirror("ubuntu", mirror.ubuntuBase()).mirror("rockylinux", mirror.rockyBase()).build();
            VmProvisioner.Builder setup = VmProvisioner.builder().settings(config.settings())
                    .connect(cluster.commandLine()).images(images).guests(cluster.guestAccess())
                    .addressProbe(cluster.addressProbe()).executor(jobs).listener(new MetricsListener(metrics));
            store.durable().ifPresent(setup::durable);
            VmProvisioner provisioner = setup.build();
            extra.add(jobs::shutdownNow);
            extra.add(mirror);
            extra.add(cluster);
            if (guestImages.isPresent()) {
                extra.add(cluster.guestAccess());
            }
            if (temporary) {
                extra.add(() -> deleteTree(cacheDir));
            }
            extra.add(store);
            Map<String, Object> facts = facts(config, "simulated");
            store.facts(facts);
            config.state().simState().ifPresent(dir -> facts.put("sim_state", dir.toAbsolutePath().toString()));
            facts.put("warning", guestImages.isPresent()
                    ? "SIMULATED CLUSTER: no cluster is configured; VMs boot as real guests under QEMU on this machine"
                    : "SIMULATED CLUSTER: no cluster is configured; VMs are simulated, nothing real is created");
            facts.put("image_mirror", mirror.baseUri().toString());
            if (cluster.servesApi()) {
                SimApi api = cluster.api();
                Map<String, Object> simApi = new LinkedHashMap<>();
                simApi.put("url", api.url().toString());
                simApi.put("token", api.rootToken());
                simApi.put("fingerprint", api.fingerprint());
                simApi.put("ca", api.caCertificatePem());
                facts.put("sim_api", simApi);
                LOG.warn("*** the simulated cluster's Proxmox VE API: {} (token {}, fingerprint {})", api.url(),
                        api.rootToken().substring(0, api.rootToken().indexOf('=') + 1) + "...", api.fingerprint());
            }
            facts.put("image_cache", cacheDir.toString());
            facts.put("sim_guests", guestImages.isPresent() ? "qemu" : "simulated");
            Optional<ProxmoxApi> rest = Optional.empty();
            if (cluster.servesApi()) {
                ProxmoxApi client = ProxmoxApi.builder().url(cluster.api().url())
                        .trust(TlsTrust.pinned(cluster.api().fingerprint())).token(cluster.api().rootToken()).build();
                extra.add(0, client); // closed before the cluster it talks to
                rest = Optional.of(client);
            }
            return new Built(provisioner, extra, facts, rest);
        } catch (IOException e) {
            close(jobs, mirror, cluster, store);
            throw new UncheckedIOException("cannot create the simulated image cache", e);
        } catch (RuntimeException e) {
            close(jobs, mirror, cluster, store);
            throw e;
        }
    }

    private static Built cluster(EnvConfig config, ServerMetrics metrics) {
        return cluster(config, metrics, config.backend().probeAddresses() ? io.pveq.core.AddressProbe.network()
                : io.pveq.core.AddressProbe.NEVER_IN_USE);
    }

    /**
     * Cluster mode with another address probe (instead of {@code ADDRESS_PROBE}'s): for tests whose VMs
     * live on loopback addresses, where every address answers ICMP and the network probe would find none free.
     *
     * @param probe tells which VM addresses are in use
     * @return the provisioner and what to close with it
     */
    public static Built cluster(EnvConfig config, ServerMetrics metrics, io.pveq.core.AddressProbe probe) {
        ProvisionerSettings settings = config.settings();
        BackendConfig b = config.backend();
        ExecutorService jobs = jobPool(config);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Optional<ProxmoxApi> rest = b.transport() == BackendConfig.Transport.API
                    ? Optional.of(api(b.api().orElseThrow(), opened)) : Optional.empty();
            io.pveq.core.ClusterConnection connection = rest.isPresent() ? rest.get() : commandLine(config, b, opened);
            VmProvisioner.Builder setup = VmProvisioner.builder().settings(settings).executor(jobs).connect(connection)
                    .listener(new MetricsListener(metrics));
            ImageCache.Builder images = ImageCache.builder(b.imageCacheDir().orElse(Path.of("cache", "images")));
            b.mirrors().forEach(images::mirror);
            ImageCache cache = images.build();
            opened.add(cache);
            if (settings.guestAccess() != io.pveq.core.GuestAccessMode.AGENT) {
                SshGuestAccess guests = SshGuestAccess.builder(b.guestKey()).build();
                opened.add(guests);
                setup.guests(guests);
            }
            // opened last: a configuration error above leaves no store (nor DATA_DIR) behind
            JobStore store = JobStore.open(config);
            opened.add(store);
            store.durable().ifPresent(setup::durable);
            VmProvisioner provisioner = setup.images(cache).addressProbe(probe).build();
            Map<String, Object> facts = facts(config, b.transport() == BackendConfig.Transport.API ? "api" : "cluster");
            store.facts(facts);
            facts.put("access_check", startUpCheck(provisioner));
            // over the REST API the guest endpoints of issue #17 share the engine's client
            return new Built(provisioner, List.of(jobs::shutdownNow, store), facts, rest);
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            jobs.shutdownNow();
            throw e;
        }
    }

    /**
     * The start-up check: what the connection may not do and what the storages lack, each logged as a
     * warning (by core) and shown in {@code /api/info}; a cluster that cannot be read yet does not stop the
     * server (the first call that needs it says why).
     */
    private static List<String> startUpCheck(VmProvisioner provisioner) {
        try {
            return provisioner.checkAccess();
        } catch (io.pveq.core.PveqException e) {
            LOG.warn("start-up check: cannot read the cluster yet: {}", e.getMessage());
            return List.of("cannot read the cluster yet: " + e.getMessage());
        }
    }

    /** @return the REST API client for {@code TRANSPORT=api}: the token, the pinned certificate or the CA */
    private static ProxmoxApi api(ApiConfig api, List<AutoCloseable> opened) {
        ProxmoxApi client = ProxmoxApi.builder().url(api.url()).token(api.token().reveal())
                .trust(api.fingerprint().map(TlsTrust::pinned).orElseGet(() -> TlsTrust.caFile(api.caFile().orElseThrow())))
                .build();
        opened.add(client);
        return client;
    }

    /** @return the nodes through {@code qm}/{@code pvesh}: the main node locally or over SSH, the others over SSH */
    private static CommandLineCluster commandLine(EnvConfig config, BackendConfig b, List<AutoCloseable> opened) {
        NodeName main = config.mainNode().orElseThrow();
        CommandLineCluster.Builder nodes = CommandLineCluster.builder();
        for (NodeName node : config.configuredNodes()) {
            if (node.equals(main) && b.transport() == BackendConfig.Transport.LOCAL) {
                LocalCommandTransport local = LocalCommandTransport.create();
                opened.add(local);
                nodes.local(node, local);
                continue;
            }
            checkSshFiles(b);
            String address = config.nodeAddresses().get(node);
            if (address == null) {
                throw new io.pveq.core.InvalidSpecException("NODE_" + node, "is required: the address of node " + node);
            }
            SshCommandTransport ssh = SshCommandTransport.builder(address).port(b.sshPort()).user(b.sshUser())
                    .privateKey(b.sshKey())
                    .hostKeyPolicy(b.acceptAnyHostKey() ? HostKeyPolicy.acceptAnyHostKey()
                            : HostKeyPolicy.knownHosts(b.knownHosts()))
                    .build();
            opened.add(ssh);
            nodes.node(node, ssh);
        }
        return nodes.mainNode(main).build();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void checkSshFiles(BackendConfig b) {
        if (!Files.isReadable(b.sshKey())) {
            throw new io.pveq.core.InvalidSpecException("SSH_KEY", "cannot read the private key " + b.sshKey()
                    + " used to reach the nodes");
        }
        if (!b.acceptAnyHostKey() && !Files.isReadable(b.knownHosts())) {
            throw new io.pveq.core.InvalidSpecException("SSH_KNOWN_HOSTS", "cannot read " + b.knownHosts()
                    + "; list the nodes' host keys there (ssh-keyscan -H <node> and compare fingerprints)");
        }
    }

    private static Map<String, Object> facts(EnvConfig config, String mode) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("success", true);
        facts.put("mode", mode);
        facts.put("simulated", config.simulated());
        facts.put("version", Optional.ofNullable(Backend.class.getPackage().getImplementationVersion()).orElse("dev"));
        facts.put("main_node", config.mainNode().map(NodeName::value).orElse(""));
        facts.put("nodes", config.configuredNodes().stream().map(NodeName::value).toList());
        facts.put("storage", config.settings().storage());
        facts.put("addressing", config.settings().network().addressing().describe());
        return facts;
    }

    /** @return the pool jobs run on: JOB_WORKERS threads, JOB_QUEUE waiting, daemon threads */
    static ExecutorService jobPool(EnvConfig config) {
        int workers = config.server().jobWorkers();
        int queue = Math.max(1, config.server().jobQueue());
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "pveq-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static void close(Object... things) {
        for (Object t : things) {
            if (t instanceof ExecutorService e) {
                e.shutdownNow();
            } else if (t instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing after a failed start: nothing more to do
                }
            }
        }
    }

    private static void close(AutoCloseable c) {
        close((Object) c);
    }
}
