package io.pveq.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Site choices the OS init script ({@code sh/<os>_<version>.sh}) applies inside every new VM: time
 * zone, locale, extra packages, and the package mirror per OS (for sites with no route to the
 * distributions' own archives). Handed to the script as its arguments; none set means the script
 * changes none of these (it still installs the guest agent). Values are checked here by the script's
 * own rules, so a bad one fails before any VM exists. Immutable.
 *
 * @param timezone {@code GUEST_TIMEZONE}: e.g. {@code Europe/Berlin}
 * @param locale   {@code GUEST_LOCALE}: e.g. {@code en_US.UTF-8}
 * @param packages {@code GUEST_PACKAGES}: extra packages, space-separated in the variable
 * @param mirrors  {@code GUEST_MIRROR_<OS>}: base URL of the main package archive, by OS name
 *                 ({@code debian}, {@code ubuntu}, {@code rockylinux})
 */
public record GuestInitOptions(Optional<String> timezone, Optional<String> locale, List<String> packages,
                               Map<String, URI> mirrors) {

    /** No site choices. */
    public static final GuestInitOptions NONE = new GuestInitOptions(Optional.empty(), Optional.empty(), List.of(),
            Map.of());

    private static final Pattern TIMEZONE = Pattern.compile("[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}_[A-Z]{2}(\\.[A-Za-z0-9-]+)?(@[a-z]+)?|C\\.UTF-8|C\\.utf8");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9._+-]*");
    private static final Pattern MIRROR = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+/-]*)?");

    /** @throws InvalidSpecException naming the variable at fault */
    public GuestInitOptions {
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(locale, "locale");
        timezone.ifPresent(z -> check("GUEST_TIMEZONE", TIMEZONE, z, "a time zone such as Europe/Berlin"));
        locale.ifPresent(l -> check("GUEST_LOCALE", LOCALE, l, "a locale such as en_US.UTF-8"));
        packages = List.copyOf(packages);
        packages.forEach(p -> check("GUEST_PACKAGES", PACKAGE, p, "package names separated by spaces"));
        mirrors = java.util.Collections.unmodifiableMap(new TreeMap<>(mirrors));
        mirrors.forEach((os, uri) -> check("GUEST_MIRROR_" + os.toUpperCase(java.util.Locale.ROOT), MIRROR,
                String.valueOf(uri), "an http(s) URL such as http://mirror.lan/debian"));
    }

    private static void check(String variable, Pattern pattern, String value, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new InvalidSpecException(variable, "must be " + rule + ", got '" + InvalidSpecException.shorten(value)
                    + "'");
        }
    }

    /**
     * @param os the OS name of the release, e.g. {@code debian}
     * @return the script's arguments for that OS
     */
    public List<String> arguments(String os) {
        List<String> args = new ArrayList<>();
        timezone.ifPresent(z -> args.addAll(List.of("--timezone", z)));
        locale.ifPresent(l -> args.addAll(List.of("--locale", l)));
        if (!packages.isEmpty()) {
            args.addAll(List.of("--packages", String.join(" ", packages)));
        }
        Optional.ofNullable(mirrors.get(os)).ifPresent(m -> args.addAll(List.of("--mirror", m.toString())));
        return args;
    }
}
