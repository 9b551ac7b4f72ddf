package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.VmState;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The guest agent's file calls ({@code agent/file-read}, {@code agent/file-write}) over the simulated
 * guest's files: what was written through the agent, plus {@code /etc/hostname} and
 * {@code /etc/os-release} of the Debian 12 guest {@link GuestRoutes} reports. A missing file fails with
 * the agent's error as qemu-server passes it on ({@code Agent error: failed to open file ...}).
 * PVE 9's {@code count} bounds a read and sets {@code truncated}.
 */
final class AgentFileRoutes {

    private static final String VM = QemuRoutes.VM;
    /** qemu-server reads at most 16 MiB. */
    private static final int MAX_READ = 16 * 1024 * 1024;

    private AgentFileRoutes() {
    }

    static void register(ApiRoutes routes) {
        ApiRoutes.Route read = routes.get(VM + "/agent/file-read").rule("file", Rule.string(0));
        if (routes.context().release().major() >= 9) {
            read.rule("count", Rule.integer(1L, (long) MAX_READ)).rule("decode", Rule.bool());
        }
        read.handle(AgentFileRoutes::read);
        routes.post(VM + "/agent/file-write")
                .rule("file", Rule.string(0))
                .rule("content", Rule.string(61440))
                .rule("encode", Rule.bool())
                .handle(AgentFileRoutes::write);
    }

    /** @return the content of {@code path} in the guest, when it exists */
    static Optional<String> read(GuestRoutes.Agents agents, VmState vm, String path) {
        String written = agents.files.get(vm.vmid + ":" + path);
        if (written != null) {
            return Optional.of(written);
        }
        return switch (path) {
            case "/etc/hostname" -> Optional.of(GuestRoutes.hostname(vm) + "\n");
            case "/etc/os-release" -> Optional.of("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                    + "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
            default -> Optional.empty();
        };
    }

    private static Object read(ApiCall call) {
        VmState vm = GuestRoutes.agent(call);
        String path = call.param("file");
        String content = read(call.context().agents(), vm, path).orElseThrow(() -> new Failure(
                "Agent error: failed to open file '" + path + "' (mode: 'r'): No such file or directory"));
        int count = call.optional("count").map(Integer::parseInt).orElse(MAX_READ);
        Map<String, Object> out = new TreeMap<>();
        if (content.length() > count) {
            out.put("content", content.substring(0, count));
            out.put("truncated", 1);
        } else {
            out.put("content", content);
        }
        return out;
    }

    private static Object write(ApiCall call) {
        VmState vm = GuestRoutes.agent(call);
        String path = call.param("file");
        if (!path.startsWith("/")) {
            throw new Failure("Agent error: failed to open file '" + path + "' (mode: 'w'): No such file or directory");
        }
        String content = call.param("content");
        if (call.optional("encode").map("0"::equals).orElse(false)) {
            try {
                content = new String(java.util.Base64.getDecoder().decode(content), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Failure("Agent error: Invalid parameter 'buf-b64'");
            }
        }
        call.context().agents().files.put(vm.vmid + ":" + path, content);
        return null;
    }
}
