package io.pveq.examples;

import io.pveq.api.Checksum;
import io.pveq.api.ContentType;
import io.pveq.api.DiskSpec;
import io.pveq.api.DownloadUrlSpec;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TaskEvent;
import io.pveq.api.TaskListener;
import io.pveq.api.TaskResult;
import io.pveq.api.Upid;
import io.pveq.api.VmCreateSpec;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.sim.SimImageMirror;
import java.io.PrintStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Follows tasks' logs as they run: the node downloads a cloud image itself ({@code download-url},
 * checksum verified by the node), then a VM is created importing it ({@code import-from}); every log
 * line and the import's progress are printed as they arrive. On the simulated cluster the image comes
 * from the simulator's mirror on loopback; the VM is destroyed at the end.
 *
 * <pre>
 * pveq-examples/run.sh ApiFollowTask
 * </pre>
 */
public final class ApiFollowTask {

    private ApiFollowTask() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.getenv()));
    }

    /**
     * @param out where to print
     * @param env the environment (only the simulated cluster is used by this example)
     * @return 0 on success, 1 on failure
     */
    public static int run(PrintStream out, Map<String, String> env) {
        try (ApiTarget target = ApiTarget.open(Map.of()); SimImageMirror mirror = SimImageMirror.start()) {
            ProxmoxApi api = target.api();
            NodeName node = NodeName.of("pve1");
            String path = mirror.paths().stream().filter(p -> p.endsWith("debian-12-generic-amd64.qcow2"))
                    .findFirst().orElseThrow();
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(mirror.file(path)));
            TaskListener print = event -> {
                if (event instanceof TaskEvent.LogLine line) {
                    out.println("  | " + line.text());
                } else if (event instanceof TaskEvent.Progress progress && progress.percent().isPresent()) {
                    out.printf(Locale.ROOT, "  progress %.1f%%%n", progress.percent().getAsDouble());
                }
            };
            URI url = mirror.baseUri().resolve(path);
            Upid download = api.storage().downloadUrl(node, "local", DownloadUrlSpec.of(url, ContentType.IMPORT,
                    "debian-12.qcow2").checksum(Checksum.sha256(sha256)));
            out.println("download-url " + url + ": task " + download);
            TaskResult downloaded = api.tasks().await(download, Duration.ofMinutes(10), print);
            out.println("download: " + downloaded.outcome());

            VmId id = api.cluster().nextId();
            Upid create = api.vms().create(node, VmCreateSpec.builder(id).name("follow-" + id).memoryMiB(1024)
                    .disk(DiskSpec.importFrom("scsi0", "local-lvm", "local:import/debian-12.qcow2"))
                    .disk(DiskSpec.cloudInit("ide2", "local-lvm")).build());
            out.println("create " + id + " importing local:import/debian-12.qcow2: task " + create);
            out.println("create: " + api.tasks().await(create, Duration.ofMinutes(10), print).outcome());
            api.tasks().await(api.vms().delete(node, id, true), Duration.ofMinutes(5), TaskListener.NONE);
            out.println("destroyed VM " + id);
            return 0;
        } catch (PveqException | java.security.NoSuchAlgorithmException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }
}
