package io.crak.cluster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A real embedded H2 database with Crak's and Quartz's schema, in a test's temporary directory. */
final class ControllerDatabase implements AutoCloseable {
    final Database db;
    final MutableClock clock = new MutableClock();
    final JobTable jobs;
    final NodeTable nodes;
    final Placement placement;
    final Recovery recovery;

    ControllerDatabase(Path dir) throws Exception {
        db = new Database("jdbc:h2:file:" + dir.resolve("crak"), "crak", "", 4);
        Schema.ensure(db);
        jobs = new JobTable(db, clock);
        nodes = new NodeTable(db, clock);
        placement = new Placement(jobs, nodes);
        recovery = new Recovery(jobs, nodes);
    }

    long submit(String name, int slots, int priority, RequeuePolicy requeue) throws Exception {
        return jobs.insert(new JobSpec(name, List.of("/bin/true"), Path.of("/"), Duration.ofSeconds(5), slots, priority,
                requeue, Path.of("/tmp/storage")), 1000, "alice");
    }

    JobRecord job(long id) throws Exception {
        return jobs.find(id).orElseThrow();
    }

    @Override
    public void close() {
        db.close();
    }

    /** A clock the test moves by hand (run times for the balancer). */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
