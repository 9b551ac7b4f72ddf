package io.pveq.core.internal.engine;

import io.pveq.core.AddressProbe;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Builds an {@link EngineProvisioner} over a {@link FakePve} with fake images and guests. */
final class Harness implements AutoCloseable {

    final FakePve pve;
    final FakeGuests guests;
    final FakeImages images = new FakeImages();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final EngineProvisioner provisioner;

    Harness(String... nodes) {
        this(b -> { }, AddressProbe.NEVER_IN_USE, nodes);
    }

    Harness(Consumer<ProvisionerSettings.Builder> settings, AddressProbe probe, String... nodes) {
        this(new FakePve(nodes), settings, probe, Optional.empty(), nodes);
    }

    /** A provisioner over an existing fake cluster, its operations kept in a job store (another "instance"). */
    Harness(FakePve pve, io.pveq.core.store.DurableOperations durable, String... nodes) {
        this(pve, b -> { }, AddressProbe.NEVER_IN_USE, Optional.of(durable), nodes);
    }

    Harness(FakePve pve, Consumer<ProvisionerSettings.Builder> settings, AddressProbe probe,
            Optional<io.pveq.core.store.DurableOperations> durable, String... nodes) {
        this.pve = pve;
        this.guests = new FakeGuests(pve);
        ProvisionerSettings.Builder b = ProvisionerSettings.builder().mainNode(nodes[0]).storage("local-lvm")
                .gateway("192.168.0.1").rootPassword("root-secret-1");
        for (String n : nodes) {
            b.node(n, n + ".test");
        }
        settings.accept(b);
        ProvisionerSetup.Builder setup = ProvisionerSetup.builder().settings(b.build()).images(images).guests(guests)
                .probe(probe);
        durable.ifPresent(setup::durable);
        for (int i = 0; i < nodes.length; i++) {
            FakePve.Node transport = pve.node(nodes[i]);
            setup.node(NodeName.of(nodes[i]), i == 0 ? ProvisionerSetup.NodeConnection.local(transport)
                    : ProvisionerSetup.NodeConnection.remote(transport));
        }
        Retry retry = new Retry(4, Duration.ofMillis(100), Duration.ofSeconds(1), d -> sleeps.add(d));
        this.provisioner = EngineProvisioner.create(setup.build(),
                release -> Optional.of("#!/bin/sh\necho init " + release + "\n"), retry);
    }

    static InstallSpec.Builder spec() {
        return InstallSpec.builder().os("debian").version("12").passwd("user-pass-1")
                .pubkey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8m3QTzQ7d2M4yYVn8vKXDXxXOk0dW5rCQvV2HX3yM me@laptop");
    }

    static List<Stage> stagesStarted(List<ProgressEvent> events) {
        List<Stage> out = new ArrayList<>();
        for (ProgressEvent e : events) {
            if (e instanceof io.pveq.core.event.StageStarted s && !out.contains(s.stage())) {
                out.add(s.stage());
            }
        }
        return out;
    }

    /** Closes the provisioner and fails the test when any command broke the PVE schema. */
    @Override
    public void close() {
        provisioner.close();
        if (!pve.violations.isEmpty()) {
            throw new AssertionError("commands PVE would refuse: " + pve.violations);
        }
    }
}
