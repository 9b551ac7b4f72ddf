package io.pveq.core;

import java.util.List;

/**
 * The identity pveq reaches Proxmox as (an API token, a user) lacks privileges an operation needs. Found
 * before anything is changed: the message names each privilege and its ACL path, e.g. {@code token
 * pveq@pve!prov lacks Datastore.AllocateTemplate on /storage/local}. Grant them (docs/operations.md lists
 * the minimal role) and try again.
 */
public class AccessDeniedException extends PveqException {

    private final List<String> missing;

    /**
     * @param missing one line per privilege that is missing, as above
     */
    public AccessDeniedException(List<String> missing) {
        super(String.join("; ", missing));
        this.missing = List.copyOf(missing);
    }

    /** @return one line per privilege that is missing */
    public List<String> missing() {
        return missing;
    }
}
