package io.pveq.core.internal.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached pools of named daemon threads (a forgotten provisioner never keeps the JVM alive). */
final class DaemonThreads {

    private DaemonThreads() {
    }

    static ExecutorService cachedPool(String prefix) {
        return Executors.newCachedThreadPool(factory(prefix));
    }

    /** @return a factory of daemon threads named {@code prefix-N} */
    static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
