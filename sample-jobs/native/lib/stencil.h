/*
 * The computation shared by stencil-pipe and stencil-socket: an integer 5-point stencil on a
 * rows x cols grid of uint32 cells, split into horizontal bands, one per worker process.
 * Given the same parameters every transport gives the same checksum (the tests check this).
 *
 * Step k: workers obtain the halo rows (neighbours' edge rows of generation k), compute
 * generation k+1 with salt_k, and report the hash of their band; the coordinator folds the
 * hashes in worker order into R_k, which becomes salt_{k+1} and enters the checksum.
 */
#ifndef CRAK_SAMPLES_STENCIL_H
#define CRAK_SAMPLES_STENCIL_H

#include "common.h"

#define STENCIL_DEFAULT_ROWS 1024
#define STENCIL_DEFAULT_COLS 1024
#define STENCIL_MAX_COLS 65536
#define STENCIL_DEFAULT_WORKERS 4
#define STENCIL_MAX_WORKERS 32
#define STENCIL_DEFAULT_STEPS 6000
#define STENCIL_OPTION_COUNT 5

#define MSG_COMMAND_MAGIC 0x444e414d4d4f43ULL   /* "COMMAND" */
#define MSG_RESULT_MAGIC 0x544c55534552ULL      /* "RESULT" */
#define MSG_HALO_MAGIC 0x4f4c4148ULL            /* "HALO" */
#define MSG_HELLO_MAGIC 0x4f4c4c4548ULL         /* "HELLO" */

struct stencil_params {
    uint64_t rows, cols, workers, steps, seed;
};

/* Coordinator -> worker: run step `step` with `salt`, or stop. */
struct msg_command {
    uint64_t magic, step, salt, stop;
};

/*
 * Worker -> coordinator: the hash of the worker's band after step `step`, and hashes of the edge
 * rows it sent to its neighbours and of the halo rows it received from them during the step, so
 * the coordinator can check that what one worker sent is what the other received.
 */
struct msg_result {
    uint64_t magic;
    uint32_t worker, pad;
    uint64_t step, band_hash;
    uint64_t sent_top, sent_bottom, got_upper, got_lower;
};

/* Worker -> worker: one edge row of generation `step` follows. */
struct msg_halo {
    uint64_t magic, step;
    uint32_t from, pad;
};

/* Worker -> coordinator, first message on a TCP connection. */
struct msg_hello {
    uint64_t magic;
    uint32_t worker, pad;
};

struct band {
    unsigned index, workers;
    uint64_t first_row, rows, cols;
    uint32_t *cur, *next;      /* (rows + 2) x cols each: upper halo, own rows, lower halo */
};

/* Fills specs[0..STENCIL_OPTION_COUNT) with --rows --cols --workers --steps --seed bound to p. */
void stencil_option_specs(struct stencil_params *p, struct option_spec *specs);
/* Checks relations between options (each band at least one row). */
void stencil_validate(const struct stencil_params *p);

void band_init(struct band *b, const struct stencil_params *p, unsigned index);
uint32_t *band_top_row(struct band *b);
uint32_t *band_bottom_row(struct band *b);
uint32_t *band_upper_halo(struct band *b);
uint32_t *band_lower_halo(struct band *b);
int band_has_upper_neighbour(const struct band *b);
int band_has_lower_neighbour(const struct band *b);
/* Computes the next generation from cur and the halos; returns the hash of the new band. */
uint64_t band_step(struct band *b, uint64_t salt);

uint64_t stencil_initial_salt(uint64_t seed);
uint64_t stencil_initial_checksum(uint64_t seed);
/* Starts R_k; fold each worker's band hash into it in worker order with fold64. */
uint64_t stencil_reduction_start(uint64_t step);

void check_command(const struct msg_command *c, uint64_t expected_step);
void check_result(const struct msg_result *r, unsigned expected_worker, uint64_t expected_step);
/* Checks that every halo row a worker received in a step is the edge row its neighbour sent. */
void check_halos(const struct msg_result *results, unsigned workers, uint64_t step);
uint64_t row_hash(const uint32_t *row, uint64_t cols);

#endif
