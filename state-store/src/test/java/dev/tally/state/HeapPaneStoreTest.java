package dev.tally.state;

class HeapPaneStoreTest extends PaneStoreContractTest {
    @Override
    protected PaneStore openStore() {
        return StateStores.inMemory();
    }
}
