package io.pveq.api.internal;

import io.pveq.api.CacheKind;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.RequestBody;

/**
 * One request to the API: method, path segments below {@code /api2/json}, parameters, and what the
 * client may do with it (cache a read; its node and VM for error messages). A multipart body, when
 * present, replaces the form body and is made afresh for every attempt. Immutable.
 *
 * @param method    GET, POST, PUT or DELETE
 * @param segments  the path segments, unencoded, e.g. {@code nodes}, {@code pve1}, {@code qemu}
 * @param params    the parameters (query string for GET/DELETE, form body otherwise)
 * @param multipart a multipart body maker, for uploads
 * @param cacheKind the cache kind of a read, when it may be cached
 */
public record ApiCall(String method, List<String> segments, FormParams params, Optional<Supplier<RequestBody>> multipart,
                      Optional<CacheKind> cacheKind) {

    /** Validates and copies. */
    public ApiCall {
        Objects.requireNonNull(method, "method");
        segments = List.copyOf(segments);
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(multipart, "multipart");
        Objects.requireNonNull(cacheKind, "cacheKind");
    }

    /** @return a read that is never cached */
    public static ApiCall get(FormParams params, String... segments) {
        return new ApiCall("GET", List.of(segments), params, Optional.empty(), Optional.empty());
    }

    /** @return a read that may be cached as {@code kind} */
    public static ApiCall get(CacheKind kind, FormParams params, String... segments) {
        return new ApiCall("GET", List.of(segments), params, Optional.empty(), Optional.of(kind));
    }

    /** @return a POST */
    public static ApiCall post(FormParams params, String... segments) {
        return new ApiCall("POST", List.of(segments), params, Optional.empty(), Optional.empty());
    }

    /** @return a PUT */
    public static ApiCall put(FormParams params, String... segments) {
        return new ApiCall("PUT", List.of(segments), params, Optional.empty(), Optional.empty());
    }

    /** @return a DELETE */
    public static ApiCall delete(FormParams params, String... segments) {
        return new ApiCall("DELETE", List.of(segments), params, Optional.empty(), Optional.empty());
    }

    /** @return true for GET */
    public boolean read() {
        return method.equals("GET");
    }

    /** @return the path as people read it, e.g. {@code /nodes/pve1/qemu/100/config} */
    public String path() {
        return "/" + String.join("/", segments);
    }

    /** @return the node and VM named in the path, for error messages */
    ErrorMapper.CallContext context() {
        Optional<String> node = segments.size() > 1 && segments.get(0).equals("nodes")
                ? Optional.of(segments.get(1)) : Optional.empty();
        Optional<VmId> vm = Optional.empty();
        if (node.isPresent() && segments.size() > 3 && (segments.get(2).equals("qemu") || segments.get(2).equals("lxc"))) {
            try {
                vm = Optional.of(VmId.parse("vmid", segments.get(3)));
            } catch (RuntimeException e) {
                vm = Optional.empty();
            }
        }
        return new ErrorMapper.CallContext(node, vm);
    }
}
