package io.pveq.examples;

import io.pveq.api.DiskSpec;
import io.pveq.api.IpConfigSpec;
import io.pveq.api.NicSpec;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TaskListener;
import io.pveq.api.Upid;
import io.pveq.api.VmCreateSpec;
import io.pveq.core.DiskSize;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Creates, starts, stops and destroys a VM with nothing but an API token and the node certificate's
 * pinned fingerprint. The VMID comes from {@code /cluster/nextid}; the create is the atomic claim.
 * Against a simulated cluster unless {@code PVE_API_URL}, {@code PVE_API_TOKEN},
 * {@code PVE_API_FINGERPRINT} (and optionally {@code PVE_API_NODE}, {@code PVE_API_STORAGE},
 * {@code PVE_API_BRIDGE}) name a real one.
 *
 * <pre>
 * pveq-examples/run.sh ApiCreateVm
 * </pre>
 */
public final class ApiCreateVm {

    private ApiCreateVm() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.getenv()));
    }

    /**
     * @param out where to print
     * @param env the environment to read the connection from
     * @return 0 on success, 1 on failure
     */
    public static int run(PrintStream out, Map<String, String> env) {
        try (ApiTarget target = ApiTarget.open(env)) {
            ProxmoxApi api = target.api();
            NodeName node = NodeName.of(env.getOrDefault("PVE_API_NODE", "pve1"));
            String storage = env.getOrDefault("PVE_API_STORAGE", "local-lvm");
            Duration wait = Duration.ofMinutes(10);
            VmId id = api.cluster().nextId();
            Upid create = api.vms().create(node, VmCreateSpec.builder(id).name("pveq-example-" + id)
                    .memoryMiB(1024).cores(1).osType("l26").scsiHardware("virtio-scsi-single")
                    .disk(DiskSpec.newDisk("scsi0", storage, DiskSize.ofGiB(4)))
                    .disk(DiskSpec.cloudInit("ide2", storage))
                    .nic(NicSpec.virtio(0, env.getOrDefault("PVE_API_BRIDGE", "vmbr0")))
                    .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "127.0.10.60/24"),
                            Ipv4Address.parse("gw", "127.0.10.1")))
                    .ciUser("example").ciUpgrade(false).agent(true).build());
            out.println("create " + id + " on " + node + ": task " + create);
            api.tasks().await(create, wait, TaskListener.NONE);
            out.println("created VM " + id + " (" + api.vms().config(node, id).disks().keySet() + ")");
            api.tasks().await(api.vms().start(node, id), wait, TaskListener.NONE);
            out.println("VM " + id + " is " + api.vms().status(node, id).status());
            api.tasks().await(api.vms().stop(node, id), wait, TaskListener.NONE);
            out.println("VM " + id + " is " + api.vms().status(node, id).status());
            api.tasks().await(api.vms().delete(node, id, true), wait, TaskListener.NONE);
            out.println("destroyed VM " + id + "; free again: " + api.cluster().isFree(id));
            return 0;
        } catch (PveqException | IllegalArgumentException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }
}
