package io.pveq.sim.internal;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Non-disk VM options as {@code qm} stores them: NIC MACs, cloud-init secrets, ssh keys from a file. */
final class VmSettings {

    static final String HIDDEN = "**********";

    private final Engine engine;

    VmSettings(Engine engine) {
        this.engine = engine;
    }

    /**
     * Reads {@code --sshkeys FILE} (qm takes a path and URL-encodes the content) and moves
     * {@code cipassword} into the returned secrets, leaving the mask in the options.
     */
    Map<String, String> prepare(Exec exec, Map<String, String> options) {
        Map<String, String> secrets = new LinkedHashMap<>();
        String keysFile = options.get("sshkeys");
        if (keysFile != null && exec.isApi()) {
            // the API takes the URL-encoded keys themselves (qm reads them from a file and encodes them)
            for (String line : uriUnescape(keysFile).split("\n")) {
                String key = line.strip();
                if (!key.isEmpty() && !key.startsWith("#") && !validKey(key)) {
                    throw new Failure("SSH public key validation error");
                }
            }
        } else if (keysFile != null) {
            String content = readFile(exec.node(), keysFile)
                    .orElseThrow(() -> new Failure("unable to open file '" + keysFile + "' - No such file or directory"));
            for (String line : content.split("\n")) {
                String key = line.strip();
                if (!key.isEmpty() && !key.startsWith("#") && !validKey(key)) {
                    throw new Failure("400 Parameter verification failed.\nsshkeys: invalid format - invalid urlencoded"
                            + " string: " + key);
                }
            }
            options.put("sshkeys", uriEscape(content));
        }
        String password = options.get("cipassword");
        if (password != null) {
            secrets.put("cipassword", password);
            options.put("cipassword", HIDDEN);
        }
        return secrets;
    }

    private static boolean validKey(String key) {
        return key.matches("(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
                + " [A-Za-z0-9+/=]+( .*)?");
    }

    /** @return the stored form of an option value */
    String normalise(String key, String value, String previous) {
        if (Drives.NET_KEY.matcher(key).matches()) {
            Map<String, String> parts = new LinkedHashMap<>();
            for (String part : value.split(",")) {
                int eq = part.indexOf('=');
                if (part.isEmpty()) {
                    continue;
                }
                if (eq < 0) {
                    parts.put("model", part);
                } else if (isModel(part.substring(0, eq))) {
                    parts.put("model", part.substring(0, eq));
                    parts.put("macaddr", part.substring(eq + 1).toUpperCase(java.util.Locale.ROOT));
                } else {
                    parts.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            parts.computeIfAbsent("macaddr", k -> engine.mac());
            return Drives.printNet(parts);
        }
        return value;
    }

    private static boolean isModel(String name) {
        for (String model : io.pveq.sim.internal.params.QmRules.NIC_MODELS) {
            if (model.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** A file on the node's simulated filesystem, else a real file on this machine. */
    Optional<String> readFile(String node, String path) {
        Optional<String> placed = engine.store().read(state -> state.node(node)
                .map(n -> n.files.get(path))
                .map(f -> f.content));
        if (placed.isPresent() && placed.get() != null) {
            return placed;
        }
        try {
            return Optional.of(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Perl's uri_escape: everything but {@code A-Za-z0-9-._~} becomes %XX (space is %20). */
    static String uriEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    static String uriUnescape(String text) {
        return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

}
