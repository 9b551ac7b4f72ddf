package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.VmId;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reverse lookup as seed 004 does it: a guest by IP address (agent when running, config when stopped),
 * by host name and by name or alias (tag), a node by name or address; over real HTTPS against the
 * simulator's API face of one release, every exchange checked against apidata.js.
 */
abstract class LookupContract extends GuestFeaturesFixture {

    static final VmId CT = VmId.of(300);

    VmId stopped;
    VmId running;

    @Override
    UnaryOperator<SimulatedCluster.Builder> cluster() {
        return b -> b.container(CT, PVE1, "ct-cache");
    }

    @BeforeAll
    void start() {
        stopped = vm("db", "127.0.30.11", false);
        running = vm("web", "127.0.30.12", true);
        peer.clock.advance(Duration.ofMinutes(10)); // the running VM's agent answers
        api.containers().updateConfig(PVE1, CT, ContainerConfigUpdate.builder().nic(0, "eth0", "vmbr0",
                Ipv4Cidr.parse("ip", "127.0.30.13/24"), Optional.of(Ipv4Address.parse("gw", "127.0.30.1"))).build());
    }

    VmId vm(String name, String ip, boolean start) {
        VmId id = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(id).name(name).memoryMiB(512)
                .nic(NicSpec.virtio(0, "vmbr0")).tags(List.of(name + "-alias"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", ip + "/24"), Ipv4Address.parse("gw", "127.0.30.1")))
                .agent(true).start(start).build()), WAIT, TaskListener.NONE);
        return id;
    }

    @Test
    void guestsAreFoundByAddressWhetherRunningOrNot() {
        GuestMatch web = api.lookup().byAddress("127.0.30.12").orElseThrow();
        assertEquals(GuestRef.vm(PVE1, running), web.guest());
        assertEquals("web", web.name());
        assertEquals(GuestRef.vm(PVE1, stopped), api.lookup().byAddress("127.0.30.11").orElseThrow().guest(),
                "a stopped VM by its ipconfig0");
        assertEquals(GuestRef.container(PVE1, CT), api.lookup().byAddress("127.0.30.13").orElseThrow().guest(),
                "a container by its net0 ip");
        assertEquals(Optional.empty(), api.lookup().byAddress("127.0.30.99"));
        assertEquals("ip", assertThrows(InvalidSpecException.class, () -> api.lookup().byAddress("web.example")).field());
    }

    @Test
    void guestsAreFoundByHostNameAndByNameOrAlias() {
        assertEquals(GuestRef.vm(PVE1, running), api.lookup().byHostName("web.lab.example").orElseThrow().guest());
        assertEquals(GuestRef.container(PVE1, CT), api.lookup().byHostName("CT-CACHE").orElseThrow().guest());
        assertEquals(Optional.empty(), api.lookup().byHostName("nowhere"));
        assertEquals("host", assertThrows(InvalidSpecException.class, () -> api.lookup().byHostName("bad host!")).field());
        assertEquals(List.of(GuestRef.vm(PVE1, stopped)),
                api.lookup().byName("db").stream().map(GuestMatch::guest).toList());
        assertEquals(List.of(GuestRef.vm(PVE1, running)),
                api.lookup().byName("web-alias").stream().map(GuestMatch::guest).toList(), "a tag is an alias");
    }

    @Test
    void nodesAreFoundByNameOrAddress() {
        ClusterMember pve1 = api.lookup().node("pve1.lab.example").orElseThrow();
        assertEquals(PVE1, pve1.name());
        String ip = pve1.ip().orElseThrow();
        assertEquals(PVE1, api.lookup().node(ip).orElseThrow().name());
        assertEquals(Optional.empty(), api.lookup().node("pve9"));
    }
}
