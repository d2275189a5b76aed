#define _GNU_SOURCE
#include "stencil.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BAND_HASH_MULTIPLIER 0x100000001b3ULL

void stencil_option_specs(struct stencil_params *p, struct option_spec *specs)
{
    p->rows = STENCIL_DEFAULT_ROWS;
    p->cols = STENCIL_DEFAULT_COLS;
    p->workers = STENCIL_DEFAULT_WORKERS;
    p->steps = STENCIL_DEFAULT_STEPS;
    p->seed = 1;
    specs[0] = (struct option_spec){"rows", OPTION_U64, "R", "grid rows (split into bands)", &p->rows, 1, 1u << 20, NULL};
    specs[1] = (struct option_spec){"cols", OPTION_U64, "C", "grid columns", &p->cols, 2, STENCIL_MAX_COLS, NULL};
    specs[2] = (struct option_spec){"workers", OPTION_U64, "W", "worker processes", &p->workers, 1, STENCIL_MAX_WORKERS, NULL};
    specs[3] = (struct option_spec){"steps", OPTION_U64, "N", "stencil steps", &p->steps, 1, UINT32_MAX, NULL};
    specs[4] = (struct option_spec){"seed", OPTION_U64, "S", "seed of the initial grid", &p->seed, 0, UINT64_MAX, NULL};
}

void stencil_validate(const struct stencil_params *p)
{
    if (p->rows < p->workers)
        die_usage("--rows %" PRIu64 " is smaller than --workers %" PRIu64 "; every worker needs a row",
                  p->rows, p->workers);
    if (p->rows * p->cols > (1ull << 32))
        die_usage("--rows %" PRIu64 " x --cols %" PRIu64 " exceeds 2^32 cells", p->rows, p->cols);
}

static uint32_t initial_cell(uint64_t seed, uint64_t row, uint64_t col)
{
    return (uint32_t)mix64(seed ^ (row << 20) ^ col ^ GOLDEN64);
}

/* Fixed rows above the grid and below it; they never change. */
static uint32_t boundary_cell(uint64_t seed, int below, uint64_t col)
{
    return (uint32_t)mix64(seed + (below ? 2 : 1) * GOLDEN64 + col);
}

static uint32_t *row_of(uint32_t *g, const struct band *b, uint64_t r) { return g + r * b->cols; }

void band_init(struct band *b, const struct stencil_params *p, unsigned index)
{
    b->index = index;
    b->workers = (unsigned)p->workers;
    b->first_row = p->rows * index / p->workers;
    b->rows = p->rows * (index + 1) / p->workers - b->first_row;
    b->cols = p->cols;
    size_t cells = (b->rows + 2) * b->cols;
    b->cur = malloc(cells * sizeof(uint32_t));
    b->next = malloc(cells * sizeof(uint32_t));
    if (!b->cur || !b->next)
        die_sys("allocate band of %" PRIu64 " x %" PRIu64 " cells", b->rows + 2, b->cols);
    for (uint64_t r = 0; r < b->rows; r++)
        for (uint64_t c = 0; c < b->cols; c++)
            row_of(b->cur, b, r + 1)[c] = initial_cell(p->seed, b->first_row + r, c);
    for (uint64_t c = 0; c < b->cols; c++) {
        /* Halos facing a neighbour are overwritten every step; the grid's edges stay fixed. */
        uint32_t above = boundary_cell(p->seed, 0, c), below = boundary_cell(p->seed, 1, c);
        row_of(b->cur, b, 0)[c] = row_of(b->next, b, 0)[c] = above;
        row_of(b->cur, b, b->rows + 1)[c] = row_of(b->next, b, b->rows + 1)[c] = below;
    }
}

uint32_t *band_top_row(struct band *b) { return row_of(b->cur, b, 1); }
uint32_t *band_bottom_row(struct band *b) { return row_of(b->cur, b, b->rows); }
uint32_t *band_upper_halo(struct band *b) { return row_of(b->cur, b, 0); }
uint32_t *band_lower_halo(struct band *b) { return row_of(b->cur, b, b->rows + 1); }
int band_has_upper_neighbour(const struct band *b) { return b->index > 0; }
int band_has_lower_neighbour(const struct band *b) { return b->index + 1 < b->workers; }

uint64_t band_step(struct band *b, uint64_t salt)
{
    uint64_t cols = b->cols, h = b->index;
    for (uint64_t r = 1; r <= b->rows; r++) {
        const uint32_t *up = row_of(b->cur, b, r - 1), *mid = row_of(b->cur, b, r), *down = row_of(b->cur, b, r + 1);
        uint32_t *out = row_of(b->next, b, r);
        uint32_t row_salt = (uint32_t)(salt ^ (salt >> 32)) ^ (uint32_t)((b->first_row + r) * 0x9e3779b9u);
        for (uint64_t c = 0; c < cols; c++) {
            uint32_t left = mid[c == 0 ? cols - 1 : c - 1], right = mid[c + 1 == cols ? 0 : c + 1];
            uint32_t sum = up[c] + down[c] + left + right;
            out[c] = ((sum + 3u * mid[c]) ^ (mid[c] >> 5)) ^ row_salt;
            h = h * BAND_HASH_MULTIPLIER + out[c];
        }
    }
    /* Swap generations; the halo rows are copied so edges stay in place in the new current grid. */
    uint32_t *t = b->cur;
    b->cur = b->next;
    b->next = t;
    memcpy(row_of(b->cur, b, 0), row_of(b->next, b, 0), cols * sizeof(uint32_t));
    memcpy(row_of(b->cur, b, b->rows + 1), row_of(b->next, b, b->rows + 1), cols * sizeof(uint32_t));
    return mix64(h);
}

uint64_t stencil_initial_salt(uint64_t seed) { return mix64(seed ^ 0x73616c74ULL); }
uint64_t stencil_initial_checksum(uint64_t seed) { return mix64(seed); }
uint64_t stencil_reduction_start(uint64_t step) { return mix64(step + 1); }

void check_command(const struct msg_command *c, uint64_t expected_step)
{
    if (c->magic != MSG_COMMAND_MAGIC)
        die_inconsistent("command for step %" PRIu64 " has magic %016" PRIx64, expected_step, c->magic);
    if (c->step != expected_step)
        die_inconsistent("received the command for step %" PRIu64 " while expecting step %" PRIu64,
                         c->step, expected_step);
}

void check_result(const struct msg_result *r, unsigned expected_worker, uint64_t expected_step)
{
    if (r->magic != MSG_RESULT_MAGIC || r->worker != expected_worker || r->step != expected_step)
        die_inconsistent("result from worker %u for step %" PRIu64 " carries magic %016" PRIx64
                         ", worker %u, step %" PRIu64, expected_worker, expected_step, r->magic, r->worker, r->step);
}

uint64_t row_hash(const uint32_t *row, uint64_t cols) { return hash_bytes(0, row, cols * sizeof(uint32_t)); }

void check_halos(const struct msg_result *results, unsigned workers, uint64_t step)
{
    for (unsigned i = 0; i + 1 < workers; i++) {
        if (results[i + 1].got_upper != results[i].sent_bottom)
            die_inconsistent("step %" PRIu64 ": worker %u received an upper halo hashing to %016" PRIx64
                             " but worker %u sent a bottom row hashing to %016" PRIx64,
                             step, i + 1, results[i + 1].got_upper, i, results[i].sent_bottom);
        if (results[i].got_lower != results[i + 1].sent_top)
            die_inconsistent("step %" PRIu64 ": worker %u received a lower halo hashing to %016" PRIx64
                             " but worker %u sent a top row hashing to %016" PRIx64,
                             step, i, results[i].got_lower, i + 1, results[i + 1].sent_top);
    }
}
