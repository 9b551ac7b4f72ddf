package io.pveq.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * A real program that tests run as their peer (sshd, nginx, shellcheck, Chromium...), and the Debian
 * package that provides it. A fixture calls {@link #require()} before it starts anything: when the
 * peer is missing, the test fails at once with a message that names the peer and the command that
 * installs it, instead of failing obscurely deep inside the fixture. A missing peer never skips a
 * test: a green build means the real peers ran. {@code .ci/run} installs every peer declared here
 * ({@code TestPeerTest} checks that its table lists them).
 *
 * <p>Programs are looked up on {@code PATH}, then in the sbin folders a non-root {@code PATH} lacks;
 * Python modules with Debian's own {@code /usr/bin/python3}, the interpreter Debian's
 * {@code python3-*} packages install for. Immutable and thread-safe; nothing is cached.
 */
public final class TestPeer {

    /** Searched after {@code PATH}: Debian installs daemons (sshd, nginx) there. */
    private static final String SBIN = "/usr/local/sbin:/usr/sbin:/sbin";
    /** Debian's interpreter: modules from {@code python3-*} packages import only here. */
    private static final String DEBIAN_PYTHON_DIR = "/usr/bin";

    /** OpenSSH server, run privately on loopback by the SSH transport and guest-access tests. */
    public static final TestPeer SSHD = program("sshd", "openssh-server");
    /** Generates the test keys and known_hosts files of the private sshd. */
    public static final TestPeer SSH_KEYGEN = program("ssh-keygen", "openssh-client");
    /** Serves image mirrors on loopback (Range, If-Range, 416 as real servers do them). */
    public static final TestPeer NGINX = program("nginx", "nginx");
    /** Lints the OS init scripts in {@code sh/}. */
    public static final TestPeer SHELLCHECK = program("shellcheck", "shellcheck");
    /** Runs the guest scripts as another user. */
    public static final TestPeer SUDO = program("sudo", "sudo");
    /** Creates the unprivileged user that logs in to run guest scripts through sudo. */
    public static final TestPeer USERADD = program("useradd", "passwd");
    /** The reference SHA-512 crypt hashes ({@code openssl passwd -6}). */
    public static final TestPeer OPENSSL = program("openssl", "openssl");
    /** The init scripts check an unchanged root password with crypt(3) through Python's ctypes. */
    public static final TestPeer PYTHON3 = program("python3", "python3");
    /** The real browser that follows job event streams with EventSource. */
    public static final TestPeer CHROMIUM = program("chromium", "chromium");
    /** Drives {@link #CHROMIUM} over WebDriver. */
    public static final TestPeer CHROMEDRIVER = program("chromedriver", "chromium-driver");
    /** Drives the simulated Proxmox VE API with only a token and the certificate's fingerprint. */
    public static final TestPeer CURL = program("curl", "curl");
    /** Reads the simulated API's JSON answers in the curl scenario. */
    public static final TestPeer JQ = program("jq", "jq");
    /** Runs the simulated cluster's real guests (software emulation). */
    public static final TestPeer QEMU = program("qemu-system-x86_64", "qemu-system-x86");
    /** Makes the real guests' volumes (copy-on-write overlays) and blank disks. */
    public static final TestPeer QEMU_IMG = program("qemu-img", "qemu-utils");
    /** Writes the NoCloud seed ISO a real guest boots with. */
    public static final TestPeer GENISOIMAGE = program("genisoimage", "genisoimage");
    /** Reads files back out of a seed ISO. */
    public static final TestPeer ISOINFO = program("isoinfo", "genisoimage");
    /** Serves the real guests' package repository through a guest forward. */
    public static final TestPeer BUSYBOX = program("busybox", "busybox");
    /** Builds the guest images from Debian's packages ({@code pveq-sim/guest-images}). */
    public static final TestPeer DEBOOTSTRAP = program("debootstrap", "debootstrap");
    /** Compiles the small C programs that make process states Java cannot (a main thread that ends first). */
    public static final TestPeer GCC = program("gcc", "gcc");
    /** Partitions the guest images without a loop device. */
    public static final TestPeer SFDISK = program("sfdisk", "fdisk");
    /** A Proxmox VE API client no one here wrote, against the simulated API. */
    public static final TestPeer PROXMOXER = pythonModule("proxmoxer", "python3-proxmoxer");
    /** The HTTP library {@link #PROXMOXER}'s https backend uses. */
    public static final TestPeer PYTHON_REQUESTS = pythonModule("requests", "python3-requests");

    private final String name;
    private final String program;
    private final String debianPackage;
    private final Optional<String> pythonModule;

    private TestPeer(String name, String program, String debianPackage, Optional<String> pythonModule) {
        this.name = name;
        this.program = program;
        this.debianPackage = debianPackage;
        this.pythonModule = pythonModule;
    }

    /**
     * A program looked up on {@code PATH}, then in the sbin folders.
     *
     * @param program file name of the executable, such as {@code sshd}
     * @param debianPackage the package that installs it, such as {@code openssh-server}
     */
    public static TestPeer program(String program, String debianPackage) {
        if (program.isBlank() || program.contains("/") || debianPackage.isBlank()) {
            throw new IllegalArgumentException("program must be a bare file name, package non-blank: "
                    + program + ", " + debianPackage);
        }
        return new TestPeer(program, program, debianPackage, Optional.empty());
    }

    /**
     * A module that Debian's {@code /usr/bin/python3} must import, such as {@code proxmoxer} from
     * {@code python3-proxmoxer}.
     */
    public static TestPeer pythonModule(String module, String debianPackage) {
        if (!module.matches("[A-Za-z_][A-Za-z0-9_.]*") || debianPackage.isBlank()) {
            throw new IllegalArgumentException("not a Python module name: " + module);
        }
        return new TestPeer("python3 module " + module, "python3", debianPackage, Optional.of(module));
    }

    /** @return the peer's name in messages: the program, or {@code python3 module NAME} */
    public String name() {
        return name;
    }

    /** @return the executable's file name ({@code python3} for a Python module) */
    public String program() {
        return program;
    }

    /** @return the Python module that must import, for a peer made by {@link #pythonModule} */
    public Optional<String> pythonModule() {
        return pythonModule;
    }

    /** @return the Debian package that provides the peer */
    public String debianPackage() {
        return debianPackage;
    }

    /** @return the command that installs the peer on Debian, as root */
    public String installCommand() {
        return "apt-get install -y --no-install-recommends " + debianPackage;
    }

    /**
     * The peer, or a failed test.
     *
     * @return the absolute path of the executable (Debian's python3 for a Python module)
     * @throws org.opentest4j.AssertionFailedError when the peer is missing: the message names it, where it
     *         was looked for and the command that installs it
     */
    public Path require() {
        return require(defaultSearchPath());
    }

    /**
     * The peer found on the given search path, or a failed test; for callers that run the peer with a
     * {@code PATH} of their own.
     *
     * @param searchPath folders separated by {@code :}, searched in order
     * @return the absolute path of the executable
     * @throws org.opentest4j.AssertionFailedError when the peer is missing (see {@link #require()})
     */
    public Path require(String searchPath) {
        List<String> problem = new ArrayList<>();
        Optional<Path> found = find(searchPath, problem);
        if (found.isEmpty()) {
            Assertions.fail("missing test peer: " + name + " (Debian package " + debianPackage + "): "
                    + String.join("; ", problem) + ". Install it with `" + installCommand()
                    + "`, or run .ci/run, which installs every test peer");
        }
        return found.get();
    }

    /** @return the peer on the default search path, if it is there */
    public Optional<Path> find() {
        return find(defaultSearchPath(), new ArrayList<>());
    }

    private String defaultSearchPath() {
        if (pythonModule.isPresent()) {
            return DEBIAN_PYTHON_DIR;
        }
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of(SBIN.split(File.pathSeparator)));
        dirs.remove("");
        return String.join(File.pathSeparator, dirs);
    }

    private Optional<Path> find(String searchPath, List<String> problem) {
        Optional<Path> executable = Optional.empty();
        for (String dir : searchPath.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, program).toAbsolutePath();
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                executable = Optional.of(candidate);
                break;
            }
        }
        if (executable.isEmpty()) {
            problem.add("no executable " + program + " in " + searchPath);
            return Optional.empty();
        }
        if (pythonModule.isPresent()) {
            Optional<String> failure = importFails(executable.get(), pythonModule.get());
            if (failure.isPresent()) {
                problem.add(executable.get() + " cannot import it: " + failure.get());
                return Optional.empty();
            }
        }
        return executable;
    }

    private static Optional<String> importFails(Path python, String module) {
        try {
            Process process = new ProcessBuilder(python.toString(), "-c", "import " + module)
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("import did not finish within 30 s");
            }
            if (process.exitValue() == 0) {
                return Optional.empty();
            }
            String[] lines = output.split("\n");
            return Optional.of(lines[lines.length - 1]);
        } catch (IOException e) {
            return Optional.of(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    @Override
    public String toString() {
        return name + " (" + debianPackage + ")";
    }
}
