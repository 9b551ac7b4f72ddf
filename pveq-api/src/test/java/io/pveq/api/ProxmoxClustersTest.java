package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxmoxClustersTest {

    @Test
    void eachNamedClusterHasItsOwnClient() throws Exception {
        try (TlsPeer lab = new TlsPeer(); TlsPeer prod = new TlsPeer();
             ProxmoxClusters clusters = ProxmoxClusters.builder()
                     .cluster("lab", builder(lab))
                     .cluster("prod", builder(prod))
                     .build()) {
            assertEquals(List.of("lab", "prod"), new ArrayList<>(clusters.names()));
            assertEquals(lab.url(), clusters.get("lab").url().toString());
            assertEquals(prod.url(), clusters.get("prod").url().toString());
            List<String> versions = new ArrayList<>();
            clusters.forEach((name, api) -> versions.add(name + "=" + api.version().version()));
            assertEquals(List.of("lab=8.4.14", "prod=8.4.14"), versions);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clusters.get("dev"));
            assertTrue(e.getMessage().contains("[lab, prod]"), e.getMessage());
            assertTrue(clusters.find("dev").isEmpty());
        }
    }

    @Test
    void namesAreUnique() {
        ProxmoxClusters.Builder builder = ProxmoxClusters.builder().cluster("lab", ProxmoxApi.builder());
        assertThrows(IllegalArgumentException.class, () -> builder.cluster("lab", ProxmoxApi.builder()));
    }

    @Test
    void aClusterThatCannotBeBuiltFailsTheWholeSetNamingWhatIsMissing() throws Exception {
        try (TlsPeer lab = new TlsPeer()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProxmoxClusters.builder()
                    .cluster("lab", builder(lab)).cluster("broken", ProxmoxApi.builder().url(lab.url())).build());
            assertTrue(e.getMessage().contains("credentials"), e.getMessage());
        }
    }

    @Test
    void backoffDoublesUpToItsLimit() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350), 3);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350),
                Duration.ofMillis(350)), List.of(policy.backoff(1), policy.backoff(2), policy.backoff(3), policy.backoff(4)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1));
        assertEquals(Set.of(), CachePolicy.off().ttls().keySet());
        assertThrows(IllegalArgumentException.class, () -> CachePolicy.off().with(CacheKind.VM_STATUS, Duration.ZERO));
    }

    private static ProxmoxApi.Builder builder(TlsPeer peer) {
        return ProxmoxApi.builder().url(peer.url()).token("root@pam!pveq=5f0c8f6e-3c1b-4cde-9d7a-0a1b2c3d4e5f")
                .trust(TlsTrust.pinned(peer.fingerprint())).httpClient(SchemaCheck.both().client());
    }
}
