package io.pveq.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.core.store.OperationStore;
import io.pveq.core.store.OperationStoreContract;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredOperation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store (H2 in a file) keeps the store contract and survives reopening. */
class H2OperationStoreTest extends OperationStoreContract {

    @TempDir
    static Path dir;
    private static int n;

    @Override
    protected OperationStore newStore() {
        return JdbcOperationStore.embedded(dir.resolve("store-" + (++n)));
    }

    @Test
    void whatWasWrittenIsThereAfterReopening(@TempDir Path folder) {
        StoredOperation op = started("a", T0);
        try (JdbcOperationStore first = JdbcOperationStore.embedded(folder)) {
            first.insert(op);
            first.appendEvent(op.id(), new StoredEvent(0, "{\"x\":1}"));
        }
        try (JdbcOperationStore again = JdbcOperationStore.embedded(folder)) {
            assertEquals(1, again.find(op.id()).orElseThrow().eventCount());
            assertEquals("{\"x\":1}", again.events(op.id(), 0).get(0).json());
        }
    }
}
