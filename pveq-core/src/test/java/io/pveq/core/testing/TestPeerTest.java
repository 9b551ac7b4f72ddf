package io.pveq.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class TestPeerTest {

    @Test
    void aPeerHiddenFromPathFailsAtOnceNamingItAndTheCommandThatInstallsIt() {
        TestPeer.SHELLCHECK.require();
        String hidden = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty() && !Files.exists(Path.of(dir, "shellcheck")))
                .collect(Collectors.joining(File.pathSeparator));

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> TestPeer.SHELLCHECK.require(hidden));
        assertEquals("missing test peer: shellcheck (Debian package shellcheck): no executable shellcheck in "
                + hidden + ". Install it with `apt-get install -y --no-install-recommends "
                + "shellcheck`, or run .ci/run, which installs every test peer", e.getMessage());
    }

    @Test
    void aPythonModuleIsThereOnlyWhenDebiansPythonImportsIt() {
        assertEquals(Path.of("/usr/bin/python3"), TestPeer.pythonModule("ctypes", "python3").require());

        TestPeer absent = TestPeer.pythonModule("pveq_no_such_module", "python3-pveq-no-such-module");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, absent::require);
        assertTrue(e.getMessage().startsWith("missing test peer: python3 module pveq_no_such_module (Debian package "
                + "python3-pveq-no-such-module): /usr/bin/python3 cannot import it: ModuleNotFoundError"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Install it with `apt-get install -y --no-install-recommends "
                + "python3-pveq-no-such-module`, or run .ci/run, which installs every test peer"), e.getMessage());
        assertTrue(absent.find().isEmpty());
    }

    @Test
    void rejectsNamesThatAreNoBareProgramOrModule() {
        assertThrows(IllegalArgumentException.class, () -> TestPeer.program("/usr/sbin/sshd", "openssh-server"));
        assertThrows(IllegalArgumentException.class, () -> TestPeer.program("sshd", " "));
        assertThrows(IllegalArgumentException.class, () -> TestPeer.pythonModule("os; import sys", "python3"));
    }

    /** The message says .ci/run installs the peer: its table must list every one declared here. */
    @Test
    void ciRunInstallsEveryDeclaredPeer() throws Exception {
        Path ciRun = repositoryRoot().resolve(".ci/run");
        Map<String, String> table = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\s*\\[([^\\]]+)\\]=(\\S+)").matcher(Files.readString(ciRun));
        while (row.find()) {
            table.put(Path.of(row.group(1)).getFileName().toString(), row.group(2));
        }
        List<String> missing = new ArrayList<>();
        for (Field field : TestPeer.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == TestPeer.class) {
                TestPeer peer = (TestPeer) field.get(null);
                String key = peer.pythonModule().orElse(peer.program()); // modules have a table of their own
                if (!peer.debianPackage().equals(table.get(key))) {
                    missing.add(key + "=" + peer.debianPackage());
                }
            }
        }
        assertEquals(List.of(), missing, "peers .ci/run does not install (its table: " + table + ")");
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".ci/run"))) {
                return dir;
            }
        }
        throw new AssertionError("no .ci/run above " + Path.of("").toAbsolutePath());
    }
}
