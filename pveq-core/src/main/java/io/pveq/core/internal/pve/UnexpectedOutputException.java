package io.pveq.core.internal.pve;

import io.pveq.core.PveqException;

/**
 * A Proxmox command succeeded but printed something pveq cannot read (a format change, a truncated
 * answer). Carries the command and a shortened excerpt of the output.
 */
public class UnexpectedOutputException extends PveqException {

    private final String command;

    /**
     * @param command what ran, secrets hidden
     * @param problem what could not be read
     * @param output  the output in question (shortened in the message)
     */
    public UnexpectedOutputException(String command, String problem, String output) {
        super("cannot read the output of `" + command + "`: " + problem + " (output: "
                + excerpt(output) + ")");
        this.command = command;
    }

    /** @return the command line (secrets hidden) */
    public String command() {
        return command;
    }

    private static String excerpt(String output) {
        String flat = output.strip().replaceAll("\\s+", " ");
        return flat.isEmpty() ? "<empty>" : flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
