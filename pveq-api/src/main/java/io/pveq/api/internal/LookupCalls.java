package io.pveq.api.internal;

import io.pveq.api.ClusterApi;
import io.pveq.api.ClusterMember;
import io.pveq.api.ClusterResource;
import io.pveq.api.ContainerApi;
import io.pveq.api.GuestAddresses;
import io.pveq.api.GuestAgentApi;
import io.pveq.api.GuestMatch;
import io.pveq.api.GuestRef;
import io.pveq.api.LookupApi;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.PveqException;
import io.pveq.core.VmStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@link LookupApi} over the cluster, agent and container roles. Thread-safe. */
final class LookupCalls implements LookupApi {

    private static final Pattern HOST = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:]*:[0-9a-f:.]*");

    private final ClusterApi cluster;
    private final GuestAgentApi agent;
    private final ContainerApi containers;

    LookupCalls(ClusterApi cluster, GuestAgentApi agent, ContainerApi containers) {
        this.cluster = cluster;
        this.agent = agent;
        this.containers = containers;
    }

    private List<ClusterResource.Guest> guests() {
        List<ClusterResource.Guest> out = new ArrayList<>(cluster.guests().stream().filter(g -> !g.template()).toList());
        out.sort(Comparator.comparing(ClusterResource.Guest::vmId));
        return out;
    }

    @Override
    public List<GuestMatch> byName(String nameOrAlias) {
        if (nameOrAlias == null || nameOrAlias.isBlank()) {
            throw new InvalidSpecException("name", "must not be empty");
        }
        String wanted = nameOrAlias.strip().toLowerCase(Locale.ROOT);
        List<GuestMatch> out = new ArrayList<>();
        for (ClusterResource.Guest g : guests()) {
            if (g.name().toLowerCase(Locale.ROOT).equals(wanted)
                    || g.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals(wanted))) {
                out.add(new GuestMatch(GuestRef.of(g), g.name(), List.of()));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<GuestMatch> byAddress(String address) {
        String wanted = canonical(address);
        for (ClusterResource.Guest g : guests()) {
            Optional<GuestAddresses> known = addresses(g);
            if (known.isPresent() && known.get().addresses().stream().anyMatch(a -> sameAddress(a, wanted))) {
                return Optional.of(new GuestMatch(GuestRef.of(g), g.name(), known.get().addresses()));
            }
        }
        return Optional.empty();
    }

    private Optional<GuestAddresses> addresses(ClusterResource.Guest g) {
        try {
            GuestRef ref = GuestRef.of(g);
            return Optional.of(ref.container() ? containers.addresses(g.node(), g.vmId()) : agent.addresses(g.node(), g.vmId()));
        } catch (PveqException e) {
            return Optional.empty(); // not ours to see, or gone meanwhile
        }
    }

    @Override
    public Optional<GuestMatch> byHostName(String host) {
        if (host == null || !HOST.matcher(host.strip()).matches()) {
            throw new InvalidSpecException("host", "must be a host name or FQDN, got '" + InvalidSpecException.shorten(host) + "'");
        }
        String full = host.strip().toLowerCase(Locale.ROOT);
        String label = full.contains(".") ? full.substring(0, full.indexOf('.')) : full;
        List<ClusterResource.Guest> all = guests();
        for (ClusterResource.Guest g : all) {
            String name = g.name().toLowerCase(Locale.ROOT);
            if (name.equals(full) || name.equals(label)) {
                return Optional.of(new GuestMatch(GuestRef.of(g), g.name(), List.of()));
            }
        }
        for (ClusterResource.Guest g : all) {
            GuestRef ref = GuestRef.of(g);
            if (ref.container() || g.status() != VmStatus.RUNNING) {
                continue;
            }
            try {
                String reported = agent.hostName(g.node(), g.vmId()).toLowerCase(Locale.ROOT);
                if (reported.equals(full) || reported.equals(label)) {
                    return Optional.of(new GuestMatch(ref, g.name(), List.of()));
                }
            } catch (PveqException e) {
                // no agent, or not ours to ask
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<ClusterMember> node(String hostOrAddress) {
        if (hostOrAddress == null || hostOrAddress.isBlank()) {
            throw new InvalidSpecException("host", "must not be empty");
        }
        String wanted = hostOrAddress.strip().toLowerCase(Locale.ROOT);
        String label = wanted.contains(".") && !IPV4.matcher(wanted).matches() ? wanted.substring(0, wanted.indexOf('.'))
                : wanted;
        for (ClusterMember member : cluster.status().members()) {
            String name = member.name().value().toLowerCase(Locale.ROOT);
            if (name.equals(wanted) || name.equals(label)
                    || member.ip().map(ip -> sameAddress(ip, wanted)).orElse(false)) {
                return Optional.of(member);
            }
        }
        return Optional.empty();
    }

    /** @return the address in a comparable spelling; no name resolution ever happens */
    private static String canonical(String address) {
        String text = address == null ? "" : address.strip();
        if (IPV4.matcher(text).matches()) {
            return text;
        }
        if (IPV6.matcher(text).matches()) {
            try {
                return InetAddress.getByName(text).getHostAddress(); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                // falls through to the refusal
            }
        }
        throw new InvalidSpecException("ip", "must be an IPv4 or IPv6 address, got '" + InvalidSpecException.shorten(address) + "'");
    }

    private static boolean sameAddress(String known, String wanted) {
        try {
            return canonical(known).equalsIgnoreCase(wanted);
        } catch (InvalidSpecException e) {
            return false;
        }
    }
}
