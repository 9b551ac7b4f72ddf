package io.pveq.ssh.internal;

import io.pveq.core.guest.GuestEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The command runners of guests that have an operation in progress, by endpoint (VM id, host, port).
 * Concurrent operations on one endpoint share its runner; the last to finish closes it, so no
 * connection outlives the operations on a guest. Thread-safe.
 */
public final class GuestRunners implements AutoCloseable {

    private final Function<GuestEndpoint, PooledRunner> factory;
    /** Guarded by itself. */
    private final Map<String, Use> runners = new HashMap<>();

    /** @param factory opens a runner for an endpoint (connections are made lazily by the runner) */
    public GuestRunners(Function<GuestEndpoint, PooledRunner> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** @return the key of {@code endpoint}: VM id, host and port */
    public static String id(GuestEndpoint endpoint) {
        return endpoint.vmId() + "@" + endpoint.host() + ":" + endpoint.port();
    }

    /** One operation's hold on an endpoint's runner; closing the last hold closes the runner. */
    public final class Use implements AutoCloseable {
        private final String id;
        private final String user;
        private final PooledRunner runner;
        private int users;

        private Use(String id, String user, PooledRunner runner) {
            this.id = id;
            this.user = user;
            this.runner = runner;
        }

        /** @return the shared runner */
        public PooledRunner runner() {
            return runner;
        }

        @Override
        public void close() {
            boolean last;
            synchronized (runners) {
                users--;
                last = users == 0;
                if (last && runners.get(id) == this) {
                    runners.remove(id);
                }
            }
            if (last) {
                runner.close();
            }
        }
    }

    /** @return a hold on the runner of {@code endpoint}, opened when no operation holds one yet */
    public Use use(GuestEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String id = id(endpoint);
        synchronized (runners) {
            Use use = runners.get(id);
            if (use == null || !use.user.equals(endpoint.user())) {
                // a different login user gets its own runner; the map keeps the newest
                use = new Use(id, endpoint.user(), factory.apply(endpoint));
                runners.put(id, use);
            }
            use.users++;
            return use;
        }
    }

    /** Closes the runner of endpoint {@code id} now; operations still using it lose their connection. */
    public void drop(String id) {
        Use use;
        synchronized (runners) {
            use = runners.remove(id);
        }
        if (use != null) {
            use.runner.close();
        }
    }

    /** @return the number of endpoints with an open runner */
    public int size() {
        synchronized (runners) {
            return runners.size();
        }
    }

    /** Closes every runner. Idempotent. */
    @Override
    public void close() {
        List<Use> open;
        synchronized (runners) {
            open = List.copyOf(runners.values());
            runners.clear();
        }
        open.forEach(use -> use.runner.close());
    }
}
