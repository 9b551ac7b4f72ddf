package io.pveq.core;

import java.util.Locale;

/** How pveq drives a new guest through readiness, its init script and its reboot. */
public enum GuestAccessMode {
    /** Over SSH from pveq to the guest's address (a {@link io.pveq.core.guest.GuestAccess}, such as {@code SshGuestAccess}). */
    SSH,
    /**
     * Through the QEMU guest agent over the REST API (the guest image must run {@code qemu-guest-agent}): no
     * network path from pveq to the guest, no key pair. Needs a REST API connection.
     */
    AGENT,
    /** {@link #AGENT} when the connection is the REST API, {@link #SSH} otherwise. The default. */
    AUTO;

    /**
     * @param field the setting's name, for the error
     * @param text  {@code ssh}, {@code agent} or {@code auto}
     * @return the mode
     * @throws InvalidSpecException naming {@code field} for anything else
     */
    public static GuestAccessMode parse(String field, String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "ssh" -> SSH;
            case "agent" -> AGENT;
            case "auto" -> AUTO;
            default -> throw new InvalidSpecException(field, "must be ssh, agent or auto, got '"
                    + InvalidSpecException.shorten(text) + "'");
        };
    }

    /** @return {@code ssh}, {@code agent} or {@code auto} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
