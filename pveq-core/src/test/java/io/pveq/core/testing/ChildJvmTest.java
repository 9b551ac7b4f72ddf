package io.pveq.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.slf4j.LoggerFactory;

class ChildJvmTest {

    /** A child that chatters on stdout and stderr (as logging and libraries do) around what it says. */
    public static final class Chatty {

        private Chatty() {
        }

        public static void main(String[] args) throws Exception {
            System.out.println("READY (not on the channel)");
            LoggerFactory.getLogger(Chatty.class).warn("a warning from the child's logging");
            try (ParentChannel parent = ParentChannel.open()) {
                System.out.println("READY (still not on the channel)");
                parent.send("READY");
                String go = parent.receive();
                System.err.println("got " + go);
                for (String arg : args) {
                    parent.send(go + " " + arg);
                }
            }
        }
    }

    /** A child that dies before it says anything. */
    public static final class Crashing {

        private Crashing() {
        }

        public static void main(String[] args) {
            System.err.println("boom: " + String.join(" ", args));
            System.exit(3);
        }
    }

    @Test
    void linesTravelOverTheChannelWhateverTheChildPrints() throws Exception {
        try (ChildJvm child = ChildJvm.start(Chatty.class, "a", "b")) {
            assertEquals("READY", child.receive());
            child.send("go");
            assertEquals(List.of("go a", "go b"), child.receiveAll(Duration.ofSeconds(60)));
            assertEquals(0, child.awaitExit(Duration.ofSeconds(60)));
            String output = child.output();
            assertTrue(output.contains("READY (not on the channel)") && output.contains("READY (still not on the channel)")
                    && output.contains("a warning from the child's logging") && output.contains("got go"), output);
        }
    }

    @Test
    void aChildThatDiesBeforeConnectingFailsTheTestQuotingItsOutput() throws Exception {
        try (ChildJvm child = ChildJvm.start(Crashing.class, "no", "disk")) {
            AssertionError e = assertThrows(AssertionError.class, child::receive);
            assertTrue(e.getMessage().startsWith("child JVM Crashing exited with 3 before it connected"), e.getMessage());
            assertTrue(e.getMessage().contains("boom: no disk"), e.getMessage());
        }
    }

    @Test
    void aClassPathWithTwoLoggingConfigurationsIsRefused(@TempDir Path temp) throws Exception {
        Path first = Files.createDirectories(temp.resolve("first"));
        Path second = Files.createDirectories(temp.resolve("second"));
        Files.writeString(first.resolve("logback-test.xml"), "<configuration/>");
        Files.writeString(second.resolve("logback-test.xml"), "<configuration/>");

        ChildJvm.requireOneLoggingConfiguration(first + File.pathSeparator + temp);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ChildJvm.requireOneLoggingConfiguration(first + File.pathSeparator + second));
        assertTrue(e.getMessage().startsWith("a child JVM needs exactly one logback-test.xml on its class path, found 2: ["
                + first + ", " + second + "]"), e.getMessage());
        assertThrows(AssertionFailedError.class, () -> ChildJvm.requireOneLoggingConfiguration(temp.toString()));
    }

    @Test
    void thisModulesClassPathHasExactlyOneLoggingConfiguration() {
        ChildJvm.requireOneLoggingConfiguration(System.getProperty("java.class.path"));
    }
}
