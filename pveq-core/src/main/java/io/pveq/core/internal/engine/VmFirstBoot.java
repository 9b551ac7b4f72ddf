package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.OsRelease;
import io.pveq.core.Secret;
import io.pveq.core.VmStateException;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestScript;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest stages of an install: start and wait until the guest can be driven (SSH, or the guest agent),
 * run the OS init script as root (the root password on standard input, never on a command line), reboot,
 * wait until SSH answers again (checked inside the guest when it is reached through the agent).
 */
final class VmFirstBoot {

    private final EngineContext ctx;
    private final OperationRun run;
    private final VmBuild.Built vm;
    private final GuestChannel.Target target;

    VmFirstBoot(EngineContext ctx, OperationRun run, VmBuild.Built vm, String user) {
        this.ctx = ctx;
        this.run = run;
        this.vm = vm;
        this.target = new GuestChannel.Target(vm.vmId(), vm.node(), Optional.of(vm.address().address()),
                Optional.of(user), true);
    }

    /** @return the guest's host key fingerprint, when the guest access reported one */
    Optional<String> bootAndInitialise(OsRelease release) {
        var timeouts = ctx.settings().timeouts();
        String how = ctx.guests().mechanism().equals("ssh") ? "SSH on " + vm.address().address()
                : "its guest agent";
        Optional<String> hostKey = run.stage(Stage.WAITING_FOR_READY, "starting VM " + vm.vmId()
                + " and waiting for " + how, () -> {
                    // a new VM: whatever was recorded for a former VM at this id and address is stale
                    ctx.guests().forget(target);
                    start();
                    return GuestSteps.awaitReady(ctx.guests(), run, target, timeouts.sshReady());
                }, fp -> ctx.guests().mechanism().equals("ssh") ? "VM answers SSH" + fp.map(f -> " (host key " + f + ")")
                        .orElse("") : "VM's guest agent answers");
        run.stage(Stage.SSH_INITIALIZATION, "running the init script for " + release + " (" + ctx.guests().mechanism()
                + ")", () -> initScript(release), s -> s);
        run.stage(Stage.REBOOTING_NEW_VM, "rebooting VM " + vm.vmId(), () -> ctx.guests().reboot(target),
                "reboot under way");
        Optional<String> after = run.stage(Stage.FINALIZING_INSTALL, "waiting for SSH after the reboot",
                () -> GuestSteps.awaitSsh(ctx.guests(), run, target, timeouts.sshReady()),
                fp -> "VM is ready: ssh " + target.user().orElse("") + "@" + vm.address().address());
        return hostKey.or(() -> after);
    }

    private void start() {
        try {
            ctx.retry().run("start VM " + vm.vmId(), () -> ctx.ops().start(vm.node(), vm.vmId()));
        } catch (VmStateException e) {
            if (!String.valueOf(e.getMessage()).contains("already running")) {
                throw e;
            }
        }
    }

    private String initScript(OsRelease release) {
        Optional<String> text = ctx.scripts().script(release);
        if (text.isEmpty()) {
            run.detail("[*] no init script for " + release + "; skipped");
            return "no init script for " + release + "; skipped";
        }
        Optional<Secret> password = ctx.settings().rootPassword();
        List<String> args = new java.util.ArrayList<>(ctx.settings().guestInit().arguments(release.os()));
        if (password.isPresent()) {
            args.add("--root-password-stdin");
        }
        GuestScript script = new GuestScript(release.scriptName() + ".sh", text.get(), args, Map.of(),
                password.map(p -> (p.reveal() + "\n").getBytes(StandardCharsets.UTF_8)));
        int exit = ctx.guests().runScript(target, script, ctx.settings().timeouts().initScript(),
                (stream, line) -> run.detail(line));
        if (exit != 0) {
            throw new GuestAccessException("init script " + release.scriptName() + ".sh exited with code " + exit
                    + " in VM " + vm.vmId());
        }
        return "init script " + release.scriptName() + ".sh completed";
    }
}
