package io.pveq.examples.bench;

import io.pveq.core.GuestInitOptions;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.Secret;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.images.ImageCache;
import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import io.pveq.ssh.SshGuestAccess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One real Debian 12 install (real image download, import, QEMU boot, cloud-init, the init script over
 * SSH, reboot) on the simulated cluster with real guests, stage by stage, with the guest's own share
 * separated from pveq's. The guest's serial console is read every 100 ms: the moment it reports
 * {@code Started ssh.service} after a (re)boot is the end of the guest's own boot, and the time until
 * pveq's readiness wait returns is the readiness lag. That lag still holds one successful login per
 * wait (connection, sshd's banner, key exchange, login, {@code true}: the guest's work under emulation),
 * so after the install three cold logins to the booted guest are timed, and what the lag holds beyond
 * two of them is pveq's polling. Needs root, QEMU and the images built by
 * {@code pveq-sim/guest-images/ensure-images.sh} ({@code $PVEQ_GUEST_IMAGES}, else
 * {@code ~/.cache/pveq/guest-images}); run from the repository root:
 * <pre>
 * pveq-examples/run.sh bench.RealGuestInstallBenchmark [IMAGES_FOLDER]
 * </pre>
 * Prints a table and writes {@code target/bench/real-guest-install.json}.
 */
public final class RealGuestInstallBenchmark {

    private RealGuestInstallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String configured = System.getenv("PVEQ_GUEST_IMAGES");
        Path cache = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "pveq", "guest-images");
        // an explicit folder (as ensure-images.sh prints it) wins over the current recipe's
        GuestImages images = (args.length > 0 ? Optional.of(GuestImages.in(Path.of(args[0])))
                : GuestImages.locate(cache, Files.isDirectory(Path.of("pveq-sim")) ? Path.of("pveq-sim", "guest-images")
                        : Path.of("..", "pveq-sim", "guest-images")))
                .filter(i -> i.debian("12").isPresent())
                .orElseThrow(() -> new IllegalStateException("no Debian 12 guest image in " + cache
                        + ": run pveq-sim/guest-images/ensure-images.sh from the repository root"));
        Path dir = Files.createTempDirectory("pveq-bench-rg");
        Map<Stage, long[]> stages = new ConcurrentHashMap<>();
        List<Stage> order = new CopyOnWriteArrayList<>();
        List<long[]> bannerUps = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        long t0;
        InstallResult result;
        try (SshGuestAccess ssh = SshGuestAccess.builder(dir.resolve("guest_key")).build();
             SimulatedCluster cluster = SimulatedCluster.builder().node("pve1", "127.0.10.11").instant()
                     .realGuests(RealGuests.of(ssh, images)).build();
             SimImageMirror mirror = SimImageMirror.start().publish(images)) {
            ProvisionerSettings settings = ProvisionerSettings.builder().mainNode(NodeName.of("pve1"))
                    .storage("local-lvm").gateway(Ipv4Address.of(127, 0, 10, 1)).ipRange(160, 160)
                    .rootPassword(Secret.of("bench-root-pw"))
                    .guestInit(new GuestInitOptions(Optional.of("Europe/Berlin"), Optional.of("de_DE.UTF-8"),
                            List.of("tree"), Map.of("debian", URI.create("http://10.0.10.1/debian"))))
                    .build();
            ImageCache cacheDir = ImageCache.builder(dir.resolve("image-cache")).mirror("debian", mirror.debianBase()).build();
            VmProvisioner.Builder setup = VmProvisioner.builder().settings(settings).connect(cluster.commandLine())
                    .images(cacheDir).guests(cluster.guestAccess()).addressProbe(cluster.addressProbe());
            Thread observer = new Thread(() -> observe(watching, cluster, bannerUps), "serial-console-observer");
            observer.setDaemon(true);
            observer.start();
            try (VmProvisioner provisioner = setup.build()) {
                t0 = System.nanoTime();
                result = provisioner.install(InstallSpec.builder(OsRelease.of("debian", "12")).name("bench-rg")
                        .user("deploy").build(), event -> {
                            long now = System.nanoTime();
                            if (event instanceof StageStarted s) {
                                stages.put(s.stage(), new long[] {now, 0});
                                order.add(s.stage());
                            } else if (event instanceof StageSucceeded s && stages.containsKey(s.stage())) {
                                stages.get(s.stage())[1] = now;
                            }
                        });
                long end = System.nanoTime();
                watching.set(false);
                double login = coldLogin(cluster.guestAccess(), new GuestEndpoint(result.vmId(),
                        result.ip().address().toString(), 22, result.user()));
                report(t0, end, stages, order, bannerUps, result, login);
                provisioner.destroy(result.vmId());
            }
        } finally {
            watching.set(false);
        }
    }

    /**
     * Records each moment the guest reports its sshd started ("Started ssh.service" on its serial
     * console, read every 100 ms): the guest's own account, and no extra connections that would compete
     * with pveq's for sshd's unauthenticated-connection slots.
     */
    private static void observe(AtomicBoolean watching, SimulatedCluster cluster, List<long[]> ups) {
        int seen = 0;
        while (watching.get()) {
            String tail = cluster.serialConsoleTail(io.pveq.core.VmId.of(160), Integer.MAX_VALUE).orElse("");
            int count = 0;
            for (int at = tail.indexOf("Started ssh.service"); at >= 0; at = tail.indexOf("Started ssh.service", at + 1)) {
                count++;
            }
            long now = System.nanoTime();
            for (int i = seen; i < count; i++) {
                ups.add(new long[] {now});
            }
            seen = Math.max(seen, count);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The guest's own price of the readiness wait's one successful attempt: a fresh connection, sshd's
     * banner, key exchange, public-key login and {@code true}, with nothing cached on pveq's side and
     * the user's systemd manager gone (logind stops it 10 s after the last session), as on the first
     * login after a boot. Median of three, in seconds.
     */
    private static double coldLogin(GuestAccess access, GuestEndpoint endpoint) throws InterruptedException {
        List<Double> took = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            access.forget(endpoint);
            Thread.sleep(12_000);
            long start = System.nanoTime();
            access.awaitReady(endpoint, Duration.ofMinutes(2), null);
            took.add(seconds(System.nanoTime() - start));
        }
        took.sort(null);
        return took.get(1);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String s(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    private static void report(long t0, long end, Map<Stage, long[]> stages, List<Stage> order, List<long[]> ups,
                               InstallResult result, double login) {
        List<List<String>> rows = new ArrayList<>();
        double pveqOwn = 0;
        double guestOwn = 0;
        double readinessLag = 0;
        int upIndex = 0;
        for (Stage stage : order) {
            long[] span = stages.get(stage);
            if (span[1] == 0) {
                continue;
            }
            double took = seconds(span[1] - span[0]);
            String guest = "-";
            String pveq = s(took);
            if (stage == Stage.WAITING_FOR_READY || stage == Stage.FINALIZING_INSTALL) {
                // the guest boots until its sshd answers; pveq notices it afterwards
                long answered = upIndex < ups.size() ? ups.get(upIndex++)[0] : span[1];
                long from = stage == Stage.FINALIZING_INSTALL ? stages.get(Stage.REBOOTING_NEW_VM)[0] : span[0];
                double own = seconds(Math.max(0, answered - Math.max(from, span[0])));
                double lag = seconds(Math.max(0, span[1] - answered));
                guest = s(own);
                pveq = s(lag);
                guestOwn += own;
                readinessLag += lag;
                pveqOwn += lag;
            } else if (stage == Stage.SSH_INITIALIZATION || stage == Stage.REBOOTING_NEW_VM) {
                guest = s(took);
                pveq = "-";
                guestOwn += took;
            } else {
                pveqOwn += took;
            }
            rows.add(List.of(stage.label(), s(took), guest, pveq));
        }
        rows.add(List.of("whole install", s(seconds(end - t0)), s(guestOwn), s(pveqOwn)));
        rows.add(List.of("pveq's readiness lag (both SSH waits together)", s(readinessLag), "-", s(readinessLag)));
        // each wait ends with one successful login whose time is the guest's (sshd, PAM, session under TCG)
        double lagBeyondLogins = Math.max(0, readinessLag - 2 * login);
        rows.add(List.of("a cold login to the booted guest (median of 3; once per SSH wait)", s(login), s(login), "-"));
        rows.add(List.of("readiness lag beyond the two logins (pveq's polling)", s(lagBeyondLogins), "-",
                s(lagBeyondLogins)));
        BenchSupport.report("real-guest-install", List.of("stage (VM " + result.vmId() + ", Debian 12, TCG)", "s",
                "guest's own s", "pveq's s"), rows);
    }
}
