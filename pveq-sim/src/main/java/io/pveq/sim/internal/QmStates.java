package io.pveq.sim.internal;

import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.Map;

/**
 * {@code qm reset|suspend|resume}: a reset reboots the guest at once; a suspended VM is paused
 * (Proxmox still reports {@code status: running}, with {@code qmpstatus: paused}) until resumed.
 */
final class QmStates {

    private final Engine engine;

    QmStates(Engine engine) {
        this.engine = engine;
    }

    void reset(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), vm -> {
            vm.bootedAtMillis = engine.time().nowMillis();
            vm.paused = false;
            vm.guest.boots++;
        });
    }

    void suspend(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), vm -> vm.paused = true);
    }

    void resume(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        change(exec, vmid, "1".equals(params.get("skiplock")), vm -> vm.paused = false);
    }

    private void change(Exec exec, int vmid, boolean skiplock, java.util.function.Consumer<VmState> effect) {
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
            exec.pause(Duration.ofMillis(200));
            engine.store().write(state -> {
                effect.accept(Engine.localVm(state, exec.node(), vmid));
                return null;
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }
}
