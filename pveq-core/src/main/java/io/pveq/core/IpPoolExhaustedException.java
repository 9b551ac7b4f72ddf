package io.pveq.core;

/** Every address of the configured range is taken or answers on the network. */
public class IpPoolExhaustedException extends PveqException {

    private final String range;

    /** @param range the exhausted range as configured, e.g. {@code 192.168.0.100-192.168.0.254} */
    public IpPoolExhaustedException(String range) {
        super("no free IP address left in " + range);
        this.range = range;
    }

    /** @return the exhausted range */
    public String range() {
        return range;
    }
}
