package io.pveq.sim.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole simulated cluster: what the Proxmox cluster filesystem and the nodes would hold. Mutable,
 * guarded by its {@link StateStore}; serialised as JSON when persisted in a folder.
 */
public final class ClusterState {
    /** Nodes in configuration order. */
    public List<NodeState> nodes = new ArrayList<>();
    /** Every guest (VM and container) by id: ids are unique cluster-wide. */
    public TreeMap<Integer, VmState> vms = new TreeMap<>();
    /** Addresses a test marked as held by hosts outside the cluster. */
    public TreeSet<String> occupiedAddresses = new TreeSet<>();
    /** Finished tasks, oldest first, at most {@link #MAX_TASKS}. */
    public List<TaskRecord> tasks = new ArrayList<>();
    public static final int MAX_TASKS = 1000;
    /** Counter for pids and task ids. */
    public long sequence = 1000;
    /** Epoch millis of the last /cluster/resources refresh tick seen (see ResourceLag). */
    public long resourcesRefreshedAt;
    /** Set when VMs boot real guests under QEMU; every process sharing the state starts them the same way. */
    public RealGuestsState realGuests;
    /** Users, tokens, roles and ACLs of the REST API face. */
    public AccessState access = new AccessState();

    /** A finished task as /nodes/{node}/tasks lists it. */
    public static final class TaskRecord {
        public String upid;
        public String node;
        public String type;
        public String id;
        public String user = "root@pam";
        public long pid;
        public long pstart;
        public long starttime;
        public long endtime;
        public String status;
    }

    public Optional<NodeState> node(String name) {
        for (NodeState node : nodes) {
            if (node.name.equals(name)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    public Optional<VmState> vm(int vmid) {
        return Optional.ofNullable(vms.get(vmid));
    }

    public long nextSequence() {
        return ++sequence;
    }

    public int onlineNodes() {
        int online = 0;
        for (NodeState node : nodes) {
            if (node.online) {
                online++;
            }
        }
        return online;
    }

    /** @return true when more than half of the nodes are online (Proxmox quorum) */
    public boolean quorate() {
        return onlineNodes() * 2 > nodes.size();
    }
}
