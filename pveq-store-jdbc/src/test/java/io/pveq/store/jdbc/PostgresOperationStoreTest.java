package io.pveq.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.PveqException;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.OperationStoreContract;
import io.pveq.core.store.StoredOperation;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL (started here on loopback) keeps the store contract. */
class PostgresOperationStoreTest extends OperationStoreContract {

    private static PostgresPeer postgres;
    private static int n;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresPeer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected OperationStore newStore() {
        return JdbcOperationStore.connect(postgres.newDatabase("contract_" + (++n)), postgres.user(), Optional.empty());
    }

    @Test
    void twoStoresOnOneDatabaseSeeEachOther() {
        String url = postgres.newDatabase("shared");
        try (JdbcOperationStore a = JdbcOperationStore.connect(url, postgres.user(), Optional.empty());
             JdbcOperationStore b = JdbcOperationStore.connect(url, postgres.user(), Optional.empty())) {
            StoredOperation op = started("a", T0);
            a.insert(op);
            assertEquals(op.spec(), b.find(op.id()).orElseThrow().spec());
            assertEquals("PostgreSQL 127.0.0.1", "PostgreSQL " + a.describe().replaceAll(".*//([^:]+):.*", "$1"));
        }
    }

    @Test
    void aSecondLiveProcessIsRefusedTheInstanceNameTheFirstHoldsUntilItCloses() {
        String url = postgres.newDatabase("instances");
        try (JdbcOperationStore a = JdbcOperationStore.connect(url, postgres.user(), Optional.empty());
             JdbcOperationStore b = JdbcOperationStore.connect(url, postgres.user(), Optional.empty())) {
            a.reserveInstance("server-a");
            a.reserveInstance("server-a"); // again: nothing happens
            PveqException refused = assertThrows(PveqException.class, () -> b.reserveInstance("server-a"));
            assertTrue(refused.getMessage().contains("instance name 'server-a' is in use by another live server")
                    && refused.getMessage().contains("INSTANCE_ID"), refused.getMessage());
            b.reserveInstance("server-b");
            assertThrows(IllegalStateException.class, () -> b.reserveInstance("server-c"), "one name per store");
            a.close(); // the process ends: its session, and the lock with it
            try (JdbcOperationStore restarted = JdbcOperationStore.connect(url, postgres.user(), Optional.empty())) {
                restarted.reserveInstance("server-a");
                StoredOperation op = started("server-b", T0);
                b.insert(op); // the stores go on working beside the connections that hold the names
                assertTrue(restarted.find(op.id()).isPresent());
            }
        }
    }
}
