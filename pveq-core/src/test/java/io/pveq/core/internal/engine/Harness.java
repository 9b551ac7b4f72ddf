package io.pveq.core.internal.engine;

import io.pveq.core.AddressProbe;
import io.pveq.core.CommandLineCluster;
import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.Stage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Builds an {@link EngineProvisioner} over a {@link FakePve} (the CLI dialect) with fake images and guests. */
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
        ProvisionerSettings.Builder b = ProvisionerSettings.builder().storage("local-lvm")
                .gateway(Ipv4Address.of("192.168.0.1")).rootPassword(Secret.of("root-secret-1"));
        settings.accept(b);
        CommandLineCluster.Builder cluster = CommandLineCluster.builder();
        for (int i = 0; i < nodes.length; i++) {
            FakePve.Node transport = pve.node(nodes[i]);
            if (i == 0) {
                cluster.local(NodeName.of(nodes[i]), transport);
            } else {
                cluster.node(NodeName.of(nodes[i]), transport);
            }
        }
        Retry retry = new Retry(4, Duration.ofMillis(100), Duration.ofSeconds(1), d -> sleeps.add(d));
        this.provisioner = EngineProvisioner.create(new EngineProvisioner.Setup(b.build(), cluster.build(), images,
                        Optional.of(guests), probe, Clock.systemUTC(), Optional.empty(), durable, ProxmoxListener.NONE),
                release -> Optional.of("#!/bin/sh\necho init " + release + "\n"), retry);
    }

    static InstallSpec.Builder spec() {
        return InstallSpec.builder(OsRelease.of("debian", "12")).password(Secret.of("user-pass-1"))
                .publicKey(SshPublicKey.parse("publicKey",
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8m3QTzQ7d2M4yYVn8vKXDXxXOk0dW5rCQvV2HX3yM me@laptop"));
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
