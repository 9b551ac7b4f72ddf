package io.pveq.core;

/**
 * A Proxmox command failed in a way pveq has no more specific exception for. Carries the node, the
 * command line (secrets hidden), the exit code and the tail of its standard error.
 */
public class CommandFailedException extends PveqException {

    private final String node;
    private final String commandLine;
    private final int exitCode;
    private final String stderrTail;

    /**
     * @param node        the node the command ran on
     * @param commandLine the command as shown to people (secrets hidden)
     * @param exitCode    its exit code
     * @param stderrTail  the last part of its standard error
     */
    public CommandFailedException(String node, String commandLine, int exitCode, String stderrTail) {
        super("`" + commandLine + "` failed on node " + node + " with exit code " + exitCode
                + (stderrTail.isEmpty() ? "" : ": " + stderrTail));
        this.node = node;
        this.commandLine = commandLine;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }

    /** @return the node the command ran on */
    public String node() {
        return node;
    }

    /** @return the command as shown to people */
    public String commandLine() {
        return commandLine;
    }

    /** @return its exit code */
    public int exitCode() {
        return exitCode;
    }

    /** @return the last part of its standard error */
    public String stderrTail() {
        return stderrTail;
    }
}
