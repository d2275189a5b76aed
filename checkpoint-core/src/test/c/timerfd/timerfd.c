/*
 * timerfds across a checkpoint: a periodic 200 ms timer keeps its period and its unread
 * expirations, a one-shot timer fires when its remaining time says (within 50 ms), a disarmed one
 * stays disarmed, and an absolute CLOCK_REALTIME timer stays due at its wall-clock instant.
 */
#include "../cprog/check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>

#define PERIOD_NS 200000000LL
#define TOLERANCE_NS 50000000LL

static long long ts_ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    int periodic = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int oneshot = timerfd_create(CLOCK_BOOTTIME, 0);
    int idle = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    int wall = timerfd_create(CLOCK_REALTIME, 0);
    if (periodic < 0 || oneshot < 0 || idle < 0 || wall < 0)
        die("timerfd_create");
    struct itimerspec per = {.it_interval = {0, PERIOD_NS}, .it_value = {0, PERIOD_NS}};
    struct itimerspec one = {.it_value = {1, 500000000}};
    long long wall_at = now_ns(CLOCK_REALTIME) + 60000000000LL;
    struct itimerspec w = {.it_value = {wall_at / 1000000000LL, wall_at % 1000000000LL}};
    if (timerfd_settime(periodic, 0, &per, NULL) || timerfd_settime(oneshot, 0, &one, NULL)
            || timerfd_settime(wall, TFD_TIMER_ABSTIME, &w, NULL))
        die("timerfd_settime");
    struct timespec pause = {0, 450000000};
    nanosleep(&pause, NULL); /* two expirations of the periodic timer stay unread */
    ready_then_wait(argv[1]);

    struct itimerspec cur;
    timerfd_gettime(wall, &cur);
    long long wall_left = wall_at - now_ns(CLOCK_REALTIME);
    check(llabs(ts_ns(cur.it_value) - wall_left) <= TOLERANCE_NS, "absolute realtime timer due at its instant"
          " (%lld ms left, expected %lld ms)", ts_ns(cur.it_value) / 1000000, wall_left / 1000000);
    timerfd_gettime(oneshot, &cur);
    long long left = ts_ns(cur.it_value);
    check(left > 0 && left < 1500000000LL - 400000000LL && ts_ns(cur.it_interval) == 0,
          "one-shot still armed with %lld ms left", left / 1000000);
    /* Due at `due`; checked without depending on when this process gets the CPU: not ready at a
     * moment known to be well before it, ready by the due time plus the tolerance. */
    long long due = now_ns(CLOCK_BOOTTIME) + left;
    struct timespec before = {(due - 60000000LL) / 1000000000LL, (due - 60000000LL) % 1000000000LL};
    clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &before, NULL);
    struct pollfd p = {.fd = oneshot, .events = POLLIN};
    int early = poll(&p, 1, 0);
    long long sampled = now_ns(CLOCK_BOOTTIME);
    check(early == 0 || sampled >= due - TOLERANCE_NS, "one-shot not ready %lld ms before its due time",
          (due - sampled) / 1000000);
    long long wait_ms = (due + TOLERANCE_NS - now_ns(CLOCK_BOOTTIME)) / 1000000;
    check(poll(&p, 1, wait_ms > 0 ? (int)wait_ms : 0) == 1, "one-shot ready by its due time + 50 ms");
    uint64_t n = 0;
    check(read(oneshot, &n, 8) == 8 && n == 1, "one expiration of the one-shot");

    n = 0;
    ssize_t got = read(periodic, &n, 8);
    check(got == 8 && n >= 2, "unread expirations kept (%llu >= 2)", (unsigned long long)n);
    timerfd_gettime(periodic, &cur);
    check(ts_ns(cur.it_interval) == PERIOD_NS, "period kept (%lld ns)", ts_ns(cur.it_interval));
    check((fcntl(periodic, F_GETFL) & O_NONBLOCK) != 0, "periodic is non-blocking");
    /* The timer's schedule, measured without depending on when this process gets the CPU: the next
     * expiry instant (now + time left) moves by exactly the expirations counted meanwhile. */
    long long next_a = now_ns(CLOCK_MONOTONIC) + ts_ns(cur.it_value);
    struct timespec second = {1, 0};
    nanosleep(&second, NULL);
    n = 0;
    got = read(periodic, &n, 8);
    check(got == 8, "periodic still firing");
    timerfd_gettime(periodic, &cur);
    long long next_b = now_ns(CLOCK_MONOTONIC) + ts_ns(cur.it_value);
    long long drift = next_b - next_a - (long long)n * PERIOD_NS;
    check(n >= 4 && llabs(drift) <= TOLERANCE_NS, "%llu expirations in 1 s, schedule off by %lld us",
          (unsigned long long)n, drift / 1000);
    timerfd_gettime(idle, &cur);
    check(ts_ns(cur.it_value) == 0 && ts_ns(cur.it_interval) == 0, "disarmed timer stays disarmed");
    check((fcntl(idle, F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec kept");
    return finish();
}
