package io.pveq.core.internal.engine;

import io.pveq.core.NodeName;
import java.util.HashMap;
import java.util.Map;

/**
 * Which images on which nodes installs of this process are using right now (between deciding on the file
 * and the end of its import), so that the rollback of one install never deletes an image another install
 * is about to import. Thread-safe.
 */
final class ImageHolds {

    private final Map<String, Integer> counts = new HashMap<>();

    /** One install's hold; release it when the import is done or given up. */
    final class Hold {
        private final String key;
        private boolean released;

        private Hold(String key) {
            this.key = key;
        }

        /** Ends this hold. Idempotent. */
        void release() {
            synchronized (ImageHolds.this) {
                if (!released) {
                    released = true;
                    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
                }
            }
        }
    }

    static String key(NodeName node, String storage, String fileName) {
        return node + "|" + storage + "|" + fileName;
    }

    synchronized Hold hold(NodeName node, String storage, String fileName) {
        String key = key(node, storage, fileName);
        counts.merge(key, 1, Integer::sum);
        return new Hold(key);
    }

    /** @return true when no install of this process holds the image */
    synchronized boolean unused(NodeName node, String storage, String fileName) {
        return !counts.containsKey(key(node, storage, fileName));
    }
}
