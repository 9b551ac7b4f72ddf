package io.pveq.sim.internal.api;

import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The shell behind a simulated terminal proxy: a logged-in root shell (the simulator skips the login
 * prompt a real node shell or container console may show, and stands in for a VM's serial console too) with a terminal's line discipline (input
 * echoed, lines ending in CR LF, Ctrl-C interrupting the running command) and a deterministic command
 * set over the simulated host. Understood: {@code ;}-separated commands with single quotes, double
 * quotes, backslashes and {@code $?}; {@code echo}, {@code hostname}, {@code true}, {@code false},
 * {@code cat /etc/hostname | /etc/os-release}, {@code journalctl [-n N] [-f] [-u UNIT]... [--no-pager]},
 * {@code tail [-n N] [-f|-F] FILE} for {@code /var/log/syslog} and {@code /var/log/messages},
 * {@code exit [N]} (the proxy then closes the websocket with 1000). Anything else is
 * {@code -bash: NAME: command not found} with status 127. Canned log lines name the host and count up
 * from the simulated clock; a followed log gains a line every 200 ms.
 */
final class SimTerminal {

    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final long FOLLOW_MILLIS = 200;

    /** The host the shell runs on. */
    record Host(String name, String prompt, String osRelease, long nowMillis) {

        static Host of(ApiContext context, TermProxy.Proxy proxy) {
            long now = context.engine().time().nowMillis();
            String os = context.release().major() >= 9 ? "13 (trixie)" : "12 (bookworm)";
            String release = "PRETTY_NAME=\"Debian GNU/Linux " + os + "\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\""
                    + os.substring(0, 2) + "\"\nID=debian\n";
            if (proxy.vmid() == 0) {
                return new Host(proxy.node(), "root@" + proxy.node() + ":~# ", release, now);
            }
            String name = context.engine().store().read(state -> {
                VmState vm = state.vms.get(proxy.vmid());
                return vm == null ? "CT" + proxy.vmid() : vm.config.getOrDefault("hostname",
                        vm.config.getOrDefault("name", "CT" + proxy.vmid()));
            });
            return new Host(name, "root@" + name + ":~# ", release, now);
        }
    }

    private final Host host;
    private final WebSocketFrames frames;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder line = new StringBuilder();
    private final Thread worker;
    private volatile boolean ended;
    private volatile boolean busy;
    private volatile boolean interrupted;
    private int status;
    private long counter;

    SimTerminal(Host host, WebSocketFrames frames) {
        this.host = host;
        this.frames = frames;
        this.worker = new Thread(this::work, "pveq-sim-termproxy-" + host.name());
        worker.setDaemon(true);
    }

    void start() throws IOException {
        print(host.prompt());
        worker.start();
    }

    boolean ended() {
        return ended;
    }

    void stop() {
        ended = true;
        worker.interrupt();
    }

    /** Input typed at the terminal. */
    void input(byte[] data) throws IOException {
        for (byte b : data) {
            if (b == 3) {
                print("^C\r\n");
                if (busy) {
                    interrupted = true;
                } else {
                    line.setLength(0);
                    print(host.prompt());
                }
            } else if (b == '\r' || b == '\n') {
                print("\r\n");
                lines.add(line.toString());
                line.setLength(0);
            } else if (b == 0x7f || b == 8) {
                if (line.length() > 0) {
                    line.setLength(line.length() - 1);
                    print("\b \b");
                }
            } else {
                line.append((char) (b & 0xff));
                frames.binary(new byte[] {b});
            }
        }
    }

    private void work() {
        try {
            while (!ended) {
                String next = lines.take();
                busy = true;
                interrupted = false;
                boolean exit = runLine(new String(next.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                busy = false;
                if (exit) {
                    ended = true;
                    print("logout\r\n");
                    frames.close(1000);
                    return;
                }
                print(host.prompt());
            }
        } catch (InterruptedException | IOException e) {
            // the connection ended
        }
    }

    /** @return true on {@code exit} */
    private boolean runLine(String text) throws IOException, InterruptedException {
        List<List<String>> commands;
        try {
            commands = ShellWords.parse(text.replace(ShellWords.STATUS, ' '));
        } catch (IllegalArgumentException e) {
            print("-bash: " + e.getMessage() + "\r\n");
            status = 2;
            return false;
        }
        for (List<String> words : commands) {
            if (words.isEmpty()) {
                continue;
            }
            String last = Integer.toString(status);
            List<String> argv = words.stream().map(w -> w.replace(String.valueOf(ShellWords.STATUS), last)).toList();
            if (argv.get(0).equals("exit")) {
                return true;
            }
            status = run(argv);
            if (interrupted) {
                status = 130;
                return false;
            }
        }
        return false;
    }

    private int run(List<String> argv) throws IOException, InterruptedException {
        String name = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        switch (name) {
            case "echo":
                print(String.join(" ", args) + "\r\n");
                return 0;
            case "hostname":
                print(host.name() + "\r\n");
                return 0;
            case "true":
                return 0;
            case "false":
                return 1;
            case "cat":
                return cat(args);
            case "journalctl":
                return log(args, "journalctl", true);
            case "tail":
                return log(args, "tail", false);
            default:
                print("-bash: " + name + ": command not found\r\n");
                return 127;
        }
    }

    private int cat(List<String> files) throws IOException {
        int result = 0;
        for (String file : files) {
            switch (file) {
                case "/etc/hostname" -> print(host.name() + "\r\n");
                case "/etc/os-release" -> print(host.osRelease().replace("\n", "\r\n"));
                default -> {
                    print("cat: " + file + ": No such file or directory\r\n");
                    result = 1;
                }
            }
        }
        return result;
    }

    private int log(List<String> args, String program, boolean journal) throws IOException, InterruptedException {
        int count = 10;
        boolean follow = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("-n") || arg.equals("--lines")) && i + 1 < args.size()) {
                try {
                    count = Integer.parseInt(args.get(++i));
                } catch (NumberFormatException e) {
                    print(program + ": invalid number of lines: '" + args.get(i) + "'\r\n");
                    return 1;
                }
            } else if (arg.equals("-f") || arg.equals("-F") || arg.equals("--follow")) {
                follow = true;
            } else if (journal && (arg.equals("-u") || arg.equals("--unit")) && i + 1 < args.size()) {
                i++;
            } else if (journal && arg.startsWith("-")) {
                continue;
            } else if (!journal) {
                files.add(arg);
            }
        }
        if (!journal) {
            if (files.size() != 1 || !Map.of("/var/log/syslog", 1, "/var/log/messages", 1).containsKey(files.get(0))) {
                String file = files.isEmpty() ? "-" : files.get(0);
                print("tail: cannot open '" + file + "' for reading: No such file or directory\r\n");
                return 1;
            }
        }
        long first = Math.max(0, 1000 - count);
        for (long i = first; i < 1000; i++) {
            print(logLine(i) + "\r\n");
        }
        counter = 1000;
        while (follow && !interrupted && !ended) {
            Thread.sleep(FOLLOW_MILLIS);
            print(logLine(counter++) + "\r\n");
        }
        return follow ? 130 : 0;
    }

    /** Line {@code i} of the host's log: one a second, line 1000 at the simulated time the proxy started. */
    private String logLine(long i) {
        String time = SYSLOG.format(Instant.ofEpochMilli(host.nowMillis() + (i - 1000) * 1000));
        String message = switch ((int) (i % 4)) {
            case 0 -> "systemd[1]: Started session-" + i + ".scope - Session " + i + " of User root.";
            case 1 -> "CRON[" + (2000 + i) + "]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)";
            case 2 -> "sshd[" + (3000 + i) + "]: Accepted publickey for root from 127.0.10.1 port " + (40000 + i) + " ssh2";
            default -> "systemd-journald[" + 300 + "]: Data hash table of /var/log/journal/system.journal has a fill level"
                    + " at 75.0 (" + i + " of " + (i + 333) + " items)";
        };
        return time + " " + host.name() + " " + message;
    }

    private void print(String text) throws IOException {
        frames.binary(text.getBytes(StandardCharsets.UTF_8));
    }
}
