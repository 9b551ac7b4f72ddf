package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.Secret;
import io.pveq.core.VmStateException;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.pve.PveNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest stages of an install: start and wait for SSH, run the OS init script as root (the root
 * password on standard input, never on a command line), reboot, wait for SSH again.
 */
final class VmFirstBoot {

    private final EngineContext ctx;
    private final OperationRun run;
    private final VmBuild.Built vm;
    private final GuestEndpoint endpoint;

    VmFirstBoot(EngineContext ctx, OperationRun run, VmBuild.Built vm, String user) {
        this.ctx = ctx;
        this.run = run;
        this.vm = vm;
        this.endpoint = new GuestEndpoint(vm.vmId(), vm.address().address().toString(), 22, user);
    }

    /** @return the guest's host key fingerprint, when the guest access reported one */
    Optional<String> bootAndInitialise(io.pveq.core.OsRelease release) {
        PveNode pve = ctx.router().pve(vm.node());
        var timeouts = ctx.settings().timeouts();
        Optional<String> hostKey = run.stage(Stage.WAITING_FOR_READY, "starting VM " + vm.vmId()
                + " and waiting for SSH on " + endpoint.host(), () -> {
                    // a new VM: whatever was recorded for a former VM at this id and address is stale
                    new VmRemoval(ctx).forget(endpoint);
                    start(pve);
                    return GuestSteps.awaitSsh(ctx.guests(), run, endpoint, timeouts.sshReady());
                }, fp -> "VM answers SSH" + fp.map(f -> " (host key " + f + ")").orElse(""));
        run.stage(Stage.SSH_INITIALIZATION, "running the init script for " + release, () -> initScript(release),
                s -> s);
        run.stage(Stage.REBOOTING_NEW_VM, "rebooting VM " + vm.vmId(), () -> ctx.guests().reboot(endpoint),
                "reboot under way");
        Optional<String> after = run.stage(Stage.FINALIZING_INSTALL, "waiting for SSH after the reboot",
                () -> GuestSteps.awaitSsh(ctx.guests(), run, endpoint, timeouts.sshReady()),
                fp -> "VM is ready: ssh " + endpoint.user() + "@" + endpoint.host());
        return hostKey.or(() -> after);
    }

    private void start(PveNode pve) {
        try {
            ctx.retry().run("qm start " + vm.vmId(), () -> pve.start(vm.vmId()));
        } catch (VmStateException e) {
            if (!String.valueOf(e.getMessage()).contains("already running")) {
                throw e;
            }
        }
    }

    private String initScript(io.pveq.core.OsRelease release) {
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
        int exit = ctx.guests().runScript(endpoint, script, ctx.settings().timeouts().initScript(),
                (stream, line) -> run.detail(line));
        if (exit != 0) {
            throw new GuestAccessException("init script " + release.scriptName() + ".sh exited with code " + exit
                    + " in VM " + vm.vmId());
        }
        return "init script " + release.scriptName() + ".sh completed";
    }
}
