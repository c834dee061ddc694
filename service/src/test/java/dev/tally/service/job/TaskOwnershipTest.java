package dev.tally.service.job;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No two threads of a process write one task's state: the second acquirer waits for the first to let go. */
class TaskOwnershipTest {

    @Test
    void shouldRefuseASecondThreadWhileTheFirstHoldsATaskAndGiveItAfterRelease() {
        TaskOwnership owners = new TaskOwnership("clicks");
        assertTrue(owners.tryAcquire(3, "processing thread 0"));
        assertTrue(owners.tryAcquire(3, "processing thread 0"), "a holder may ask again");
        assertFalse(owners.tryAcquire(3, "processing thread 1"));
        assertFalse(owners.tryAcquire(3, StandbyReplicas.OWNER));

        owners.release(3, "processing thread 1");
        assertEquals("processing thread 0", owners.owner(3), "only the holder can let go");

        owners.release(3, "processing thread 0");
        assertNull(owners.owner(3));
        assertTrue(owners.tryAcquire(3, "processing thread 1"));
        assertEquals("processing thread 1", owners.owner(3));
    }

    @Test
    void shouldKeepATaskWaitingUntilItsHolderLetsGoWhenAThreadIsAssignedItEarly() {
        TaskOwnership owners = new TaskOwnership("clicks");
        TaskOwnership.Holder first = owners.holder("processing thread 0");
        TaskOwnership.Holder second = owners.holder("processing thread 1");
        assertEquals(List.of(1, 2), first.acquire(List.of(1, 2)));

        // The group gave task 2 to the second thread before the first heard its partitions were lost.
        assertEquals(List.of(3), second.acquire(List.of(2, 3)));
        assertTrue(second.isWaiting());
        assertEquals(List.of(), second.acquireWaiting());
        assertEquals(List.of(3), second.held(List.of(2, 3)));
        assertThrows(IllegalStateException.class, () -> second.check(2));

        first.release(List.of(2));
        assertEquals(List.of(2), second.acquireWaiting());
        assertFalse(second.isWaiting());
        second.check(2);
        assertThrows(IllegalStateException.class, () -> first.check(2));
        assertEquals(List.of(1), first.held(List.of(1, 2)));
    }

    @Test
    void shouldFreeEveryTaskAndForgetWaitingOnesWhenAThreadStops() {
        TaskOwnership owners = new TaskOwnership("clicks");
        TaskOwnership.Holder first = owners.holder("processing thread 0");
        TaskOwnership.Holder second = owners.holder("processing thread 1");
        first.acquire(List.of(0, 1));
        second.acquire(List.of(1, 2));
        second.releaseAll();
        assertFalse(second.isWaiting());
        assertNull(owners.owner(2));
        assertEquals("processing thread 0", owners.owner(1));

        owners.tryAcquire(5, StandbyReplicas.OWNER);
        owners.releaseAll(StandbyReplicas.OWNER);
        assertEquals(List.of(5), first.acquire(List.of(5)));
    }
}
