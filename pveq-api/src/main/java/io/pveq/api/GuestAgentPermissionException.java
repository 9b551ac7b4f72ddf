package io.pveq.api;

/**
 * HTTP 403 on a guest agent call, with what to grant on the release that refused it: PVE 8 checks
 * {@code VM.Monitor} for every agent call; PVE 9 removed that privilege and checks
 * {@code VM.GuestAgent.Audit} (ping, interfaces, OS and file-system info), {@code VM.GuestAgent.FileRead} /
 * {@code .FileWrite} (files) or {@code VM.GuestAgent.Unrestricted} (exec, and any of the others). A role
 * written for PVE 8 therefore fails on PVE 9, and the message says so.
 */
public class GuestAgentPermissionException extends PermissionDeniedException {

    private final String hint;

    /**
     * @param method    the HTTP method
     * @param path      the API path asked
     * @param reason    Proxmox's reason text
     * @param aclPath   the ACL path checked, e.g. {@code /vms/101}; null when not named
     * @param privilege the privilege(s) missing as Proxmox named them ({@code A|B} when any one will do);
     *                  null when not named
     */
    public GuestAgentPermissionException(String method, String path, String reason, String aclPath, String privilege) {
        super(method, path, reason, aclPath, privilege);
        String on = aclPath == null ? "the VM" : aclPath;
        if (privilege == null) {
            hint = "";
        } else if (privilege.contains("VM.Monitor")) {
            hint = "; this is PVE 8, where guest agent calls need VM.Monitor on " + on
                    + " (PVE 9 replaced it with VM.GuestAgent.Audit/FileRead/FileWrite/Unrestricted)";
        } else if (privilege.contains("VM.GuestAgent.")) {
            hint = "; this is PVE 9, where guest agent calls need " + privilege.replace("|", " or ") + " on " + on
                    + " (VM.Monitor, which PVE 8 asked for, no longer exists)";
        } else {
            hint = "";
        }
    }

    @Override
    public String getMessage() {
        return super.getMessage() + hint;
    }
}
