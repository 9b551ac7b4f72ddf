package io.pveq.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One call the provisioner makes to Proxmox VE, as {@link ProxmoxListener} hears it. Its name is drawn from
 * a bounded set, fit for a metrics label: the tool and subcommand of a command line ({@code qm create},
 * {@code pvesh get}), an upload ({@code upload}), or the method and path template of a REST request
 * ({@code POST /nodes/{node}/qemu}, {@code task qmcreate} for awaiting a task).
 *
 * @param dialect {@code cli} or {@code api}
 * @param node    the node the call runs on or is about, when it has one
 * @param name    what was called, as above
 */
public record ProxmoxCall(String dialect, Optional<NodeName> node, String name) {

    /** Validates. */
    public ProxmoxCall {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(name, "name");
    }

    /** How a call ended. */
    public enum Outcome {
        /** Proxmox did it. */
        OK,
        /** Proxmox answered with a refusal or an error (non-zero exit, HTTP error, failed task). */
        FAILED,
        /** No answer: the command could not run, the connection broke, or it timed out. */
        ERROR;

        /** @return {@code ok}, {@code failed} or {@code error} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
