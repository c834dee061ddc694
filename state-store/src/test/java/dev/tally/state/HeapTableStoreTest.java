package dev.tally.state;

class HeapTableStoreTest extends TableStoreContractTest {
    @Override
    protected PaneStore openStore() {
        return StateStores.inMemory();
    }
}
