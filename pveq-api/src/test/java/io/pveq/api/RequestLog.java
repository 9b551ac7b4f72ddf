package io.pveq.api;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Interceptor;
import okhttp3.Response;

/** Records each request a test client sends ({@code METHOD /path}, below /api2/json), attempts included. */
final class RequestLog implements Interceptor {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public Response intercept(Chain chain) throws IOException {
        List<String> segments = chain.request().url().pathSegments();
        lines.add(chain.request().method() + " /" + String.join("/", segments.subList(2, segments.size())));
        return chain.proceed(chain.request());
    }

    /** @return how many requests matched {@code method} and a path ending in {@code pathSuffix} */
    long count(String method, String pathSuffix) {
        return lines.stream().filter(l -> l.startsWith(method + " ") && l.endsWith(pathSuffix)).count();
    }

    void clear() {
        lines.clear();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
