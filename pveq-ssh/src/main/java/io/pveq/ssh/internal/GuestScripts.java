package io.pveq.ssh.internal;

import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.CommandRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * How a {@link GuestScript} is run in a guest: the content is written through stdin to a private
 * temporary file ({@code umask 077}, {@code mktemp}), then run as {@code [sudo -n --] env K=V...
 * <interpreter> <file> <arguments>} with the secret on stdin, so no secret appears in a process list.
 */
public final class GuestScripts {

    /** mktemp template: a private file under /tmp whose random part mktemp fills in. */
    private static final String TEMP_TEMPLATE = "/tmp/pveq-script." + "X".repeat(8);

    private GuestScripts() {
    }

    /** @return the command that stores the script and prints the file's path */
    public static CommandRequest placement(GuestScript script) {
        return CommandRequest.builder(List.of("sh", "-c",
                        "umask 077; f=$(mktemp \"$0\") && cat > \"$f\" && printf %s \"$f\"", TEMP_TEMPLATE))
                .stdin(script.content().getBytes(StandardCharsets.UTF_8)).timeout(Duration.ofMinutes(2)).build();
    }

    /** @return argv running the stored script at {@code path} as root */
    public static List<String> invocation(List<String> asRoot, GuestScript script, String path) {
        List<String> argv = new ArrayList<>(asRoot);
        argv.add("env");
        new TreeMap<>(script.environment()).forEach((name, value) -> argv.add(name + "=" + value));
        argv.addAll(interpreter(script.content()));
        argv.add(path);
        argv.addAll(script.arguments());
        return argv;
    }

    /** The script's {@code #!} line as argv (so bash scripts run under bash even from a noexec /tmp), else sh. */
    public static List<String> interpreter(String content) {
        if (content.startsWith("#!")) {
            int end = content.indexOf('\n');
            String line = (end < 0 ? content.substring(2) : content.substring(2, end)).strip();
            if (!line.isEmpty()) {
                return List.of(line.split("\\s+"));
            }
        }
        return List.of("sh");
    }

}
