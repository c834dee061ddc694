package dev.tally.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerProcessTest {

    @Test
    void shouldKeepDataWhenChildBrokerIsKilledAndRestarted(@TempDir Path dir) throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dir, 0)) {
            String bootstrap = broker.bootstrapServers();
            long firstPid = broker.pid();
            assertTrue(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("chaos", 1, (short) 1))).all().get();
            }
            TestClients.send(bootstrap, "chaos", List.of("survives-kill"));

            broker.kill();
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));

            broker.restart();
            assertNotEquals(firstPid, broker.pid());
            assertEquals(bootstrap, broker.bootstrapServers());
            assertEquals(List.of("survives-kill"), TestClients.readAll(bootstrap, "chaos", "read_committed"));

            long secondPid = broker.pid();
            broker.stop();
            assertFalse(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
