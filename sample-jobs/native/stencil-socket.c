/*
 * stencil-socket: the stencil of stencil-pipe over stream sockets, in a star: each worker talks
 * only to the coordinator, which relays halo rows between neighbours.
 *
 * --transport unix: one socketpair(AF_UNIX, SOCK_STREAM) per worker, made before the fork.
 * --transport tcp:  the coordinator listens on 127.0.0.1 on an ephemeral port (and keeps the
 *                   listening socket open for the whole run); workers connect and say hello.
 *
 * Per step the coordinator sends each worker (step, salt, its halo rows), the worker computes
 * and answers with its band hash and new edge rows; the hashes fold in worker order into the
 * step's reduction, exactly as in stencil-pipe: same parameters, same checksum.
 */
#define _GNU_SOURCE
#include "stencil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64

/*
 * Worker -> coordinator: band hash after reaching `generation`, hashes of the two edge rows that
 * follow the header (top, then bottom) and of the halo rows the worker received for this step.
 */
struct msg_edges {
    uint64_t magic;
    uint32_t worker, pad;
    uint64_t generation, band_hash;
    uint64_t top_hash, bottom_hash, got_upper, got_lower;
};

enum transport { TRANSPORT_UNIX, TRANSPORT_TCP };

static void set_nodelay(int fd)
{
    /* One small message per step each way: Nagle + delayed ACK would stall every step. */
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        die_sys("setsockopt TCP_NODELAY on fd %d", fd);
}

static void send_edges(int fd, struct band *b, uint64_t generation, uint64_t hash, uint64_t got_upper,
                       uint64_t got_lower)
{
    struct msg_edges e = {.magic = MSG_RESULT_MAGIC, .worker = b->index, .generation = generation, .band_hash = hash,
                          .top_hash = row_hash(band_top_row(b), b->cols),
                          .bottom_hash = row_hash(band_bottom_row(b), b->cols),
                          .got_upper = got_upper, .got_lower = got_lower};
    write_full(fd, &e, sizeof e, "coordinator socket");
    write_full(fd, band_top_row(b), b->cols * sizeof(uint32_t), "coordinator socket");
    write_full(fd, band_bottom_row(b), b->cols * sizeof(uint32_t), "coordinator socket");
}

static void run_worker(const struct stencil_params *p, unsigned index, int fd)
{
    struct band b;
    band_init(&b, p, index);
    send_edges(fd, &b, 0, 0, 0, 0);
    for (uint64_t step = 0;; step++) {
        struct msg_command c;
        read_exact(fd, &c, sizeof c, "coordinator socket");
        check_command(&c, step);
        if (c.stop)
            break;
        uint64_t got_upper = 0, got_lower = 0;
        if (band_has_upper_neighbour(&b)) {
            read_exact(fd, band_upper_halo(&b), b.cols * sizeof(uint32_t), "coordinator socket");
            got_upper = row_hash(band_upper_halo(&b), b.cols);
        }
        if (band_has_lower_neighbour(&b)) {
            read_exact(fd, band_lower_halo(&b), b.cols * sizeof(uint32_t), "coordinator socket");
            got_lower = row_hash(band_lower_halo(&b), b.cols);
        }
        uint64_t hash = band_step(&b, c.salt);
        send_edges(fd, &b, step + 1, hash, got_upper, got_lower);
    }
    _exit(EXIT_SUCCESS_CODE);
}

static int connect_tcp(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die_sys("create TCP socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (errno != EINTR)
            die_sys("connect to the coordinator at 127.0.0.1:%u", (unsigned)port);
        /* An interrupted connect goes on in the background: wait for it instead of retrying. */
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        while (poll(&pfd, 1, -1) < 0)
            if (errno != EINTR)
                die_sys("poll the connection to 127.0.0.1:%u", (unsigned)port);
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            die_sys("getsockopt SO_ERROR on the connection to 127.0.0.1:%u", (unsigned)port);
        if (err != 0) {
            errno = err;
            die_sys("connect to the coordinator at 127.0.0.1:%u", (unsigned)port);
        }
    }
    set_nodelay(fd);
    return fd;
}

static int listen_tcp(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die_sys("create TCP listening socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
        die_sys("bind to 127.0.0.1 on an ephemeral port");
    if (listen(fd, LISTEN_BACKLOG) != 0)
        die_sys("listen on 127.0.0.1");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        die_sys("getsockname of the listening socket");
    *port = ntohs(addr.sin_port);
    return fd;
}

/* Accepts one connection per worker; the hello message says which worker it is. */
static void accept_workers(int listener, int *conn, unsigned workers, uint16_t port)
{
    for (unsigned i = 0; i < workers; i++)
        conn[i] = -1;
    for (unsigned n = 0; n < workers; n++) {
        int fd;
        while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) < 0)
            if (errno != EINTR)
                die_sys("accept a worker connection on 127.0.0.1:%u", (unsigned)port);
        set_nodelay(fd);
        struct msg_hello h;
        read_exact(fd, &h, sizeof h, "worker hello");
        if (h.magic != MSG_HELLO_MAGIC || h.worker >= workers || conn[h.worker] >= 0)
            die_inconsistent("unexpected hello on 127.0.0.1:%u: magic %016" PRIx64 ", worker %u",
                             (unsigned)port, h.magic, h.worker);
        conn[h.worker] = fd;
    }
}

/*
 * Receives a worker's edges and checks them: the rows must match the hashes the worker sent,
 * and the halos it got must be the rows relayed to it (sent_upper/sent_lower, 0 for none).
 */
static void receive_edges(int fd, unsigned worker, uint64_t generation, uint64_t cols, uint32_t *top,
                          uint32_t *bottom, uint64_t sent_upper, uint64_t sent_lower, uint64_t *hash)
{
    struct msg_edges e;
    read_exact(fd, &e, sizeof e, "worker socket");
    if (e.magic != MSG_RESULT_MAGIC || e.worker != worker || e.generation != generation)
        die_inconsistent("edges from worker %u for generation %" PRIu64 " carry magic %016" PRIx64
                         ", worker %u, generation %" PRIu64, worker, generation, e.magic, e.worker, e.generation);
    read_exact(fd, top, cols * sizeof(uint32_t), "worker socket");
    read_exact(fd, bottom, cols * sizeof(uint32_t), "worker socket");
    if (row_hash(top, cols) != e.top_hash || row_hash(bottom, cols) != e.bottom_hash)
        die_inconsistent("edge rows of worker %u for generation %" PRIu64 " arrived altered: hashes %016" PRIx64
                         "/%016" PRIx64 ", sent as %016" PRIx64 "/%016" PRIx64, worker, generation,
                         row_hash(top, cols), row_hash(bottom, cols), e.top_hash, e.bottom_hash);
    if (e.got_upper != sent_upper || e.got_lower != sent_lower)
        die_inconsistent("worker %u received halos hashing to %016" PRIx64 "/%016" PRIx64 " for generation %" PRIu64
                         ", relayed as %016" PRIx64 "/%016" PRIx64, worker, e.got_upper, e.got_lower, generation,
                         sent_upper, sent_lower);
    *hash = e.band_hash;
}

int main(int argc, char **argv)
{
    set_job_name("stencil-socket");
    struct stencil_params p;
    const char *transport_name = "unix";
    struct option_spec specs[STENCIL_OPTION_COUNT + 1];
    stencil_option_specs(&p, specs);
    specs[STENCIL_OPTION_COUNT] = (struct option_spec){"transport", OPTION_STRING, "unix|tcp",
        "socketpair(AF_UNIX) per worker, or TCP over 127.0.0.1", NULL, 0, 0, &transport_name};
    parse_options(argc, argv,
                  "Coordinator + worker processes running the stencil of stencil-pipe in a star over stream\n"
                  "sockets: the coordinator relays halo rows and folds per-step reductions.",
                  specs, STENCIL_OPTION_COUNT + 1);
    stencil_validate(&p);
    ignore_sigpipe();
    enum transport transport;
    if (strcmp(transport_name, "unix") == 0)
        transport = TRANSPORT_UNIX;
    else if (strcmp(transport_name, "tcp") == 0)
        transport = TRANSPORT_TCP;
    else
        die_usage("--transport '%s' is neither unix nor tcp", transport_name);

    unsigned workers = (unsigned)p.workers;
    int conn[STENCIL_MAX_WORKERS], worker_end[STENCIL_MAX_WORKERS];
    int listener = -1;
    uint16_t port = 0;
    if (transport == TRANSPORT_UNIX) {
        for (unsigned i = 0; i < workers; i++) {
            int sv[2];
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
                die_sys("socketpair(AF_UNIX, SOCK_STREAM) for worker %u", i);
            conn[i] = sv[0];
            worker_end[i] = sv[1];
        }
    } else {
        listener = listen_tcp(&port);
        progress("coordinator listening on 127.0.0.1 (ephemeral port)");
    }

    pid_t pids[STENCIL_MAX_WORKERS];
    for (unsigned i = 0; i < workers; i++) {
        pids[i] = fork_worker("stencil worker");
        if (pids[i] != 0)
            continue;
        become_worker("worker", i);
        int fd;
        if (transport == TRANSPORT_UNIX) {
            for (unsigned k = 0; k < workers; k++) {
                close(conn[k]);
                if (k != i)
                    close(worker_end[k]);
            }
            fd = worker_end[i];
        } else {
            close(listener);
            fd = connect_tcp(port);
            struct msg_hello h = {.magic = MSG_HELLO_MAGIC, .worker = i};
            write_full(fd, &h, sizeof h, "coordinator socket");
        }
        run_worker(&p, i, fd);
    }
    if (transport == TRANSPORT_UNIX) {
        for (unsigned i = 0; i < workers; i++)
            if (close(worker_end[i]) != 0)
                die_sys("close the worker end of socketpair %u", i);
    } else {
        accept_workers(listener, conn, workers, port);
    }

    size_t row_bytes = p.cols * sizeof(uint32_t);
    uint32_t *top = malloc(workers * row_bytes), *bottom = malloc(workers * row_bytes);
    if (!top || !bottom)
        die_sys("allocate %u x 2 relay rows of %" PRIu64 " cells", workers, p.cols);
    uint64_t ignored, sent_upper[STENCIL_MAX_WORKERS] = {0}, sent_lower[STENCIL_MAX_WORKERS] = {0};
    for (unsigned i = 0; i < workers; i++)
        receive_edges(conn[i], i, 0, p.cols, top + i * p.cols, bottom + i * p.cols, 0, 0, &ignored);

    uint64_t salt = stencil_initial_salt(p.seed), acc = stencil_initial_checksum(p.seed);
    uint64_t every = progress_interval(p.steps);
    for (uint64_t step = 0; step < p.steps; step++) {
        struct msg_command c = {.magic = MSG_COMMAND_MAGIC, .step = step, .salt = salt};
        for (unsigned i = 0; i < workers; i++) {
            write_full(conn[i], &c, sizeof c, "worker socket");
            if (i > 0) {
                write_full(conn[i], bottom + (i - 1) * p.cols, row_bytes, "worker socket");
                sent_upper[i] = row_hash(bottom + (i - 1) * p.cols, p.cols);
            }
            if (i + 1 < workers) {
                write_full(conn[i], top + (i + 1) * p.cols, row_bytes, "worker socket");
                sent_lower[i] = row_hash(top + (i + 1) * p.cols, p.cols);
            }
        }
        uint64_t reduction = stencil_reduction_start(step);
        for (unsigned i = 0; i < workers; i++) {
            uint64_t hash;
            receive_edges(conn[i], i, step + 1, p.cols, top + i * p.cols, bottom + i * p.cols, sent_upper[i],
                          sent_lower[i], &hash);
            reduction = fold64(reduction, hash);
        }
        acc = fold64(acc, reduction);
        salt = reduction;
        if ((step + 1) % every == 0 || step + 1 == p.steps)
            progress("step %" PRIu64 "/%" PRIu64 " reduction %016" PRIx64, step + 1, p.steps, reduction);
    }
    struct msg_command stop = {.magic = MSG_COMMAND_MAGIC, .step = p.steps, .stop = 1};
    for (unsigned i = 0; i < workers; i++)
        write_full(conn[i], &stop, sizeof stop, "worker socket");
    for (unsigned i = 0; i < workers; i++) {
        char what[32];
        snprintf(what, sizeof what, "worker %u", i);
        reap_expect_success(pids[i], what);
    }
    print_checksum(acc);
    return EXIT_SUCCESS_CODE;
}
