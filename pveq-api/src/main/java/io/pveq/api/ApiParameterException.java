package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * HTTP 400: Proxmox refused parameters ({@code {"errors":{"memory":"value must have a minimum value of
 * 16"}}}). {@link #field()} names the refused parameters, {@link #errors()} gives Proxmox's message for
 * each. Nothing was done.
 */
public class ApiParameterException extends InvalidSpecException {

    private final String method;
    private final String path;
    private final Map<String, String> errors;

    /**
     * @param method the HTTP method
     * @param path   the API path asked
     * @param errors parameter name to Proxmox's message; may be empty when Proxmox named none
     * @param reason Proxmox's reason text, used when {@code errors} is empty
     */
    public ApiParameterException(String method, String path, Map<String, String> errors, String reason) {
        super(errors.isEmpty() ? "(request)" : String.join(", ", new TreeMap<>(errors).keySet()),
                "Proxmox refused " + method + " " + path + ": " + (errors.isEmpty() ? reason
                        : new TreeMap<>(errors).entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("; "))));
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.errors = Map.copyOf(errors);
    }

    /** @return the HTTP method of the refused request */
    public String method() {
        return method;
    }

    /** @return the API path of the refused request */
    public String path() {
        return path;
    }

    /** @return each refused parameter with Proxmox's message */
    public Map<String, String> errors() {
        return errors;
    }
}
