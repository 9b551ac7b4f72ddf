package io.pveq.sim.internal;

import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.Map;

/**
 * {@code qm reset|suspend|resume}: a reset reboots the guest at once; a suspended VM is paused
 * (Proxmox still reports {@code status: running}, with {@code qmpstatus: paused}) until resumed. A real
 * guest's QEMU gets the same through its monitor ({@code system_reset}, {@code stop}, {@code cont}).
 */
final class QmStates {

    private final Engine engine;

    QmStates(Engine engine) {
        this.engine = engine;
    }

    void reset(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), "system_reset", vm -> {
            vm.bootedAtMillis = engine.time().nowMillis();
            vm.paused = false;
            vm.guest.boots++;
        });
    }

    void suspend(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), "stop", vm -> vm.paused = true);
    }

    void resume(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), "cont", vm -> vm.paused = false);
    }

    /**
     * What a start warns about and carries on (a task then ends {@code WARNINGS: n}): qemu-server ignores
     * {@code iothread} on a SCSI disk unless the controller is {@code virtio-scsi-single}.
     */
    static java.util.List<String> startWarnings(VmState vm) {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        String controller = vm.config.getOrDefault("scsihw", "lsi");
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (entry.getKey().matches("scsi\\d+") && "1".equals(Drives.parse(entry.getValue()).get("iothread"))
                    && !controller.equals("virtio-scsi-single")) {
                warnings.add("iothread is only valid with virtio disk or virtio-scsi-single controller, ignoring");
            }
        }
        return warnings;
    }

    /** Leaves a VM stopped: no process (simulated or QEMU), not paused. */
    static void markStopped(VmState vm) {
        vm.status = "stopped";
        vm.qemu = null;
        vm.paused = false;
        vm.pid = 0;
        vm.startedAtMillis = 0;
    }

    /** @param monitor the QMP command that does the same to a real guest's QEMU */
    private void change(Exec exec, int vmid, boolean skiplock, String monitor,
                        java.util.function.Consumer<VmState> effect) {
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            engine.store().read(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, skiplock);
                if (!vm.running()) {
                    throw new Failure("VM " + vmid + " not running");
                }
                return null;
            });
            VmState.QemuProcess real = engine.store().read(state -> Engine.localVm(state, exec.node(), vmid).qemu);
            if (real != null) {
                engine.qemu().ifPresent(qemu -> qemu.monitor(real, monitor));
            } else {
                exec.pause(Duration.ofMillis(200));
            }
            engine.store().write(state -> {
                effect.accept(Engine.localVm(state, exec.node(), vmid));
                return null;
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }
}
