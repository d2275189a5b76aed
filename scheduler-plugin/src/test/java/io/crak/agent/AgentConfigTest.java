package io.crak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @Test
    void defaultsNeedNoConfiguration() {
        AgentConfig c = AgentConfig.from(new Properties(), "test");
        assertEquals(AgentConfig.DEFAULT_SOCKET, c.socket());
        assertTrue(c.dbUrl().startsWith("jdbc:h2:file:"));
        assertFalse(c.clustered(), "an embedded H2 database is never clustered");
        assertEquals(Duration.ofMillis(7500), c.checkinInterval());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.slots());
        assertEquals(AgentConfig.DEFAULT_KEEP_GENERATIONS, c.keepGenerations());
        assertEquals(io.crak.job.NamespaceMode.PID_NAMESPACE, c.namespace(), "jobs' pids free on any node");
        assertEquals("pidns", AgentConfig.DEFAULT_NAMESPACE.optionName());
    }

    @Test
    void postgresqlIsClusteredByDefaultAndEveryKeyIsRead() {
        Properties p = new Properties();
        p.setProperty("crak.db.url", "jdbc:postgresql://127.0.0.1:5433/crak");
        p.setProperty("crak.node.name", "n2");
        p.setProperty("crak.node.slots", "3");
        p.setProperty("crak.cluster.checkinInterval", "1s");
        p.setProperty("crak.cluster.failureGrace", "1500ms");
        p.setProperty("crak.balance.minRunTime", "3s");
        p.setProperty("crak.balance.priorityGap", "2");
        AgentConfig c = AgentConfig.from(p, "test");
        assertTrue(c.clustered());
        assertEquals("n2", c.node());
        assertEquals(3, c.slots());
        assertEquals(Duration.ofMillis(1500), c.failureGrace());
        assertEquals(2, c.balance().priorityGap());
        assertEquals(Duration.ofSeconds(3), c.balance().minRunTime());
        assertEquals("n2", QuartzProperties.of(c).getProperty("org.quartz.scheduler.instanceId"));
        assertEquals("true", QuartzProperties.of(c).getProperty("org.quartz.jobStore.isClustered"));
        assertEquals(NodeAffinePostgresDelegate.class.getName(),
                QuartzProperties.of(c).getProperty("org.quartz.jobStore.driverDelegateClass"));
    }

    @Test
    void anUnknownKeyIsNamed() {
        Properties p = new Properties();
        p.setProperty("crak.node.slot", "2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.from(p, "agent.properties"));
        assertTrue(e.getMessage().contains("unknown key crak.node.slot"), e.getMessage());
        assertTrue(e.getMessage().startsWith("agent.properties"), e.getMessage());
    }

    @Test
    void badValuesAreNamedNotClamped() {
        assertBad("crak.node.slots", "0", "must be at least 1");
        assertBad("crak.node.slots", "many", "crak.node.slots=many");
        assertBad("crak.agent.poll", "fast", "crak.agent.poll=fast");
        assertBad("crak.quartz.idleWait", "500ms", "below Quartz's minimum");
        assertBad("crak.cluster.clustered", "true", "needs a shared database");
        assertBad("crak.balance.preemption", "yes", "'yes' is not true or false");
        assertBad("crak.db.url", "jdbc:mysql://x/y", "neither jdbc:h2: nor jdbc:postgresql:");
        assertBad("crak.job.namespace", "vm", "not one of host, pidns");
        assertBad("crak.node.name", "a/b", "crak.node.name 'a/b'");
    }

    private static void assertBad(String key, String value, String expected) {
        Properties p = new Properties();
        p.setProperty(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.from(p, "f"));
        assertTrue(e.getMessage().contains(expected), key + "=" + value + ": " + e.getMessage());
    }

    @Test
    void commandLineOptionsWinOverTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("agent.properties");
        Files.writeString(f, "crak.node.name=fromfile\ncrak.node.slots=2\n");
        AgentConfig c = AgentConfig.load(f, "cli", 5);
        assertEquals("cli", c.node());
        assertEquals(5, c.slots());
        assertEquals("fromfile", AgentConfig.load(f, null, null).node());
    }

    @Test
    void everyDocumentedKeyIsAccepted() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "controller.md"));
        for (String key : AgentConfig.DEFAULTS.keySet()) {
            assertTrue(doc.contains("`" + key + "`"), "docs/controller.md documents " + key);
        }
    }
}
