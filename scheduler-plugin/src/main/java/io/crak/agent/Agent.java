package io.crak.agent;

import io.crak.cluster.Database;
import io.crak.cluster.JobTable;
import io.crak.cluster.NodeState;
import io.crak.cluster.NodeTable;
import io.crak.cluster.Placement;
import io.crak.cluster.Recovery;
import io.crak.cluster.Schema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent ({@code crak agent}): the database, the Quartz scheduler with Crak's plugins,
 * the node's job reconciler and the CLI socket. {@link #close()} is a clean leave: the node's jobs
 * are stopped and requeued, the node is recorded as LEFT.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Database db;
    private final NodeTable nodes;
    private final Recovery recovery;
    private final NodeReconciler reconciler;
    private final Scheduler scheduler;
    private final AgentServer server;

    private Agent(AgentConfig config, Database db, NodeTable nodes, Recovery recovery, NodeReconciler reconciler,
            Scheduler scheduler, AgentServer server) {
        this.config = config;
        this.db = db;
        this.nodes = nodes;
        this.recovery = recovery;
        this.reconciler = reconciler;
        this.scheduler = scheduler;
        this.server = server;
    }

    /** Starts an agent with the real job runtime (launcher, engine, repository). */
    public static Agent start(AgentConfig config) throws Exception {
        return start(config, new EngineJobRuntime(config.node(), config.namespace(), config.keepGenerations()));
    }

    static Agent start(AgentConfig config, JobRuntime runtime) throws Exception {
        Database db = new Database(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPoolSize());
        try {
            Schema.ensure(db);
            Clock clock = Clock.systemUTC();
            JobTable jobs = new JobTable(db, clock);
            NodeTable nodes = new NodeTable(db, clock);
            Placement placement = new Placement(jobs, nodes);
            Recovery recovery = new Recovery(jobs, nodes);
            long incarnation = nodes.register(config.node(), config.slots());
            NodeReconciler reconciler = new NodeReconciler(config.node(), incarnation, jobs, nodes, placement, runtime,
                    config.maxStartAttempts(), config.retryDelay(), config.startTimeout(), clock);
            DBConnectionManager.getInstance().addConnectionProvider(QuartzProperties.DATA_SOURCE, provider(db));
            StdSchedulerFactory factory = new StdSchedulerFactory(QuartzProperties.of(config));
            Scheduler scheduler = factory.getScheduler();
            scheduler.getContext().put(NodeContext.KEY, new NodeContext(config, jobs, nodes, placement, recovery, reconciler));
            if (!config.balanceEnabled()) {
                scheduler.deleteJob(new JobKey(LoadBalancePlugin.NAME)); // left by an earlier configuration
            }
            scheduler.start();
            AgentServer server = new AgentServer(config.socket(),
                    new AgentRequests(config, jobs, nodes, placement, scheduler));
            LOG.info("crak agent {} up: {} slots, incarnation {}, database {}{}, socket {}", config.node(), config.slots(),
                    incarnation, config.databaseKind().name().toLowerCase(), config.clustered() ? " (clustered)" : "",
                    config.socket());
            return new Agent(config, db, nodes, recovery, reconciler, scheduler, server);
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    private static ConnectionProvider provider(Database db) {
        return new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return db.dataSource().getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the agent, which closes it last
            }

            @Override
            public void initialize() {
            }
        };
    }

    public AgentConfig config() {
        return config;
    }

    @Override
    public void close() throws Exception {
        LOG.info("crak agent {} leaving", config.node());
        try {
            server.close();
        } finally {
            reconciler.stop();
            // not waiting: a checkpoint stuck in the engine must not keep the agent from leaving
            scheduler.shutdown(false);
            reconciler.killAll("agent " + config.node() + " shut down");
            reconciler.shutdownWorkers();
            try {
                recovery.nodeDied(config.node(), reconciler.incarnation(), "left (its agent shut down)");
                nodes.setState(config.node(), reconciler.incarnation(), NodeState.LEFT);
            } finally {
                db.close();
            }
        }
    }
}
