/*
 * scratch-files: a job whose state lives partly in files.
 *
 * Unlinked scratch file: created next to the --tmp path, unlinked at once and used through one
 * descriptor only. It holds fixed-size blocks; each step reads the next block at the
 * descriptor's current offset (no lseek: the restored file offset matters), verifies it,
 * rewrites it from its old content and a record of the tmp file, seeks back and writes it in
 * place. Its content exists nowhere else, so a checkpoint must carry it.
 *
 * Records file (--tmp PATH): preallocated to its final size with ftruncate; step k appends
 * record k through a write-only descriptor at its current offset and reads record k - lag with
 * pread through a second, read-only descriptor. Every offset is written exactly once with
 * content determined by the computation, so re-running steps after a restore from an older
 * checkpoint rewrites identical bytes and reads only records already (re)written.
 *
 * Every block and record carries its index, generation and a payload hash (exit 3 on mismatch).
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_STEPS 15000
#define DEFAULT_SCRATCH_MIB 16
#define DEFAULT_BLOCK_KIB 256
#define DEFAULT_LAG 7
#define RECORD_BYTES 256
#define RECORD_WORDS ((RECORD_BYTES - sizeof(struct item_header)) / sizeof(uint64_t))
#define BLOCK_MAGIC 0x4b434f4c42ULL    /* "BLOCK" */
#define RECORD_MAGIC 0x44524f434552ULL /* "RECORD" */
#define FILE_MODE 0600

struct item_header {
    uint64_t magic, index, generation, payload_hash;
};

struct record {
    struct item_header h;
    uint64_t words[RECORD_WORDS];
};

struct files {
    const char *tmp_path;
    char scratch_path[4096];
    int scratch_fd, records_write_fd, records_read_fd;
    uint64_t blocks, block_bytes, block_words, steps;
};

static void check_header(const struct item_header *h, uint64_t magic, uint64_t index, uint64_t generation,
                         const uint64_t *payload, uint64_t words, const char *what, const char *path)
{
    uint64_t hash = hash_bytes(index, payload, words * sizeof(uint64_t));
    if (h->magic != magic || h->index != index || h->generation != generation || h->payload_hash != hash)
        die_inconsistent("%s %" PRIu64 " generation %" PRIu64 " in %s is wrong: magic %016" PRIx64 ", index %" PRIu64
                         ", generation %" PRIu64 ", payload hash %016" PRIx64 " (computed %016" PRIx64 ")",
                         what, index, generation, path, h->magic, h->index, h->generation, h->payload_hash, hash);
}

static void open_files(struct files *f)
{
    snprintf(f->scratch_path, sizeof f->scratch_path, "%s.scratch", f->tmp_path);
    f->scratch_fd = open(f->scratch_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);
    if (f->scratch_fd < 0)
        die_sys("open scratch file %s", f->scratch_path);
    if (unlink(f->scratch_path) != 0)
        die_sys("unlink scratch file %s", f->scratch_path);

    f->records_write_fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);
    if (f->records_write_fd < 0)
        die_sys("open records file %s for writing", f->tmp_path);
    if (ftruncate(f->records_write_fd, (off_t)(f->steps * RECORD_BYTES)) != 0)
        die_sys("ftruncate records file %s to %" PRIu64 " bytes", f->tmp_path, f->steps * RECORD_BYTES);
    f->records_read_fd = open(f->tmp_path, O_RDONLY | O_CLOEXEC);
    if (f->records_read_fd < 0)
        die_sys("open records file %s for reading", f->tmp_path);
}

static void pread_exact(int fd, void *buf, size_t len, off_t offset, const char *path)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(fd, (char *)buf + done, len - done, offset + (off_t)done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            die_sys("pread %zu bytes at offset %lld of %s", len - done, (long long)offset + (long long)done, path);
        }
        if (r == 0)
            die_inconsistent("%s ends before offset %lld", path, (long long)offset + (long long)len);
        done += (size_t)r;
    }
}

static void check_scratch_unlinked(const struct files *f)
{
    struct stat st;
    if (fstat(f->scratch_fd, &st) != 0)
        die_sys("fstat scratch file %s (fd %d)", f->scratch_path, f->scratch_fd);
    if (st.st_nlink != 0 || (uint64_t)st.st_size != f->blocks * f->block_bytes)
        die_inconsistent("scratch file %s (fd %d) has %ju links and %jd bytes, expected 0 links and %" PRIu64
                         " bytes", f->scratch_path, f->scratch_fd, (uintmax_t)st.st_nlink, (intmax_t)st.st_size,
                         f->blocks * f->block_bytes);
}

static void fill_scratch(struct files *f, uint64_t *block, uint64_t seed)
{
    struct item_header *h = (struct item_header *)block;
    uint64_t *payload = block + sizeof *h / sizeof(uint64_t);
    uint64_t payload_words = f->block_words - sizeof *h / sizeof(uint64_t);
    for (uint64_t b = 0; b < f->blocks; b++) {
        for (uint64_t i = 0; i < payload_words; i++)
            payload[i] = mix64(seed ^ (b << 32) ^ i);
        *h = (struct item_header){BLOCK_MAGIC, b, 0, hash_bytes(b, payload, payload_words * sizeof(uint64_t))};
        write_full(f->scratch_fd, block, f->block_bytes, f->scratch_path);
    }
    if (lseek(f->scratch_fd, 0, SEEK_SET) != 0)
        die_sys("lseek to the start of scratch file %s", f->scratch_path);
}

/* One step; returns the new chain carry. */
static uint64_t step_once(struct files *f, uint64_t *block, uint64_t k, uint64_t lag, uint64_t carry)
{
    struct item_header *h = (struct item_header *)block;
    uint64_t *payload = block + sizeof *h / sizeof(uint64_t);
    uint64_t payload_words = f->block_words - sizeof *h / sizeof(uint64_t);
    uint64_t index = k % f->blocks, generation = k / f->blocks;

    if (index == 0 && k > 0 && lseek(f->scratch_fd, 0, SEEK_SET) != 0)
        die_sys("lseek to the start of scratch file %s", f->scratch_path);
    read_exact(f->scratch_fd, block, f->block_bytes, f->scratch_path);
    check_header(h, BLOCK_MAGIC, index, generation, payload, payload_words, "scratch block", f->scratch_path);

    struct record old = {.words = {0}};
    if (k >= lag) {
        pread_exact(f->records_read_fd, &old, sizeof old, (off_t)((k - lag) * RECORD_BYTES), f->tmp_path);
        check_header(&old.h, RECORD_MAGIC, k - lag, 0, old.words, RECORD_WORDS, "record", f->tmp_path);
    }

    for (uint64_t i = 0; i < payload_words; i++) {
        carry = mix64(payload[i] ^ old.words[i % RECORD_WORDS] ^ carry);
        payload[i] = carry;
    }
    *h = (struct item_header){BLOCK_MAGIC, index, generation + 1, hash_bytes(index, payload, payload_words * sizeof(uint64_t))};
    if (lseek(f->scratch_fd, -(off_t)f->block_bytes, SEEK_CUR) < 0)
        die_sys("lseek back %" PRIu64 " bytes in scratch file %s", f->block_bytes, f->scratch_path);
    write_full(f->scratch_fd, block, f->block_bytes, f->scratch_path);

    struct record rec;
    for (uint64_t i = 0; i < RECORD_WORDS; i++)
        rec.words[i] = payload[(i * 977) % payload_words] ^ mix64(k + i);
    rec.h = (struct item_header){RECORD_MAGIC, k, 0, hash_bytes(k, rec.words, sizeof rec.words)};
    write_full(f->records_write_fd, &rec, sizeof rec, f->tmp_path);
    check_scratch_unlinked(f);
    return carry;
}

/* Re-reads both files completely and folds what they hold. */
static uint64_t verify_files(struct files *f, uint64_t *block, uint64_t acc)
{
    struct item_header *h = (struct item_header *)block;
    uint64_t *payload = block + sizeof *h / sizeof(uint64_t);
    uint64_t payload_words = f->block_words - sizeof *h / sizeof(uint64_t);
    for (uint64_t b = 0; b < f->blocks; b++) {
        pread_exact(f->scratch_fd, block, f->block_bytes, (off_t)(b * f->block_bytes), f->scratch_path);
        uint64_t generation = f->steps / f->blocks + (b < f->steps % f->blocks ? 1 : 0);
        check_header(h, BLOCK_MAGIC, b, generation, payload, payload_words, "scratch block", f->scratch_path);
        acc = fold64(acc, h->payload_hash);
    }
    for (uint64_t k = 0; k < f->steps; k++) {
        struct record rec;
        pread_exact(f->records_read_fd, &rec, sizeof rec, (off_t)(k * RECORD_BYTES), f->tmp_path);
        check_header(&rec.h, RECORD_MAGIC, k, 0, rec.words, RECORD_WORDS, "record", f->tmp_path);
        acc = fold64(acc, rec.h.payload_hash);
    }
    return acc;
}

int main(int argc, char **argv)
{
    set_job_name("scratch-files");
    uint64_t steps = DEFAULT_STEPS, scratch_mib = DEFAULT_SCRATCH_MIB, block_kib = DEFAULT_BLOCK_KIB,
             lag = DEFAULT_LAG, seed = 1;
    const char *tmp = NULL;
    struct option_spec specs[] = {
        {"steps", OPTION_U64, "N", "steps (one block rewritten and one record written per step)", &steps, 1, UINT32_MAX, NULL},
        {"scratch-mib", OPTION_U64, "M", "MiB of the unlinked scratch file", &scratch_mib, 1, 64 * 1024, NULL},
        {"block-kib", OPTION_U64, "K", "KiB per scratch block (divides --scratch-mib)", &block_kib, 4, 64 * 1024, NULL},
        {"lag", OPTION_U64, "L", "step k reads the record of step k - L", &lag, 1, 1u << 20, NULL},
        {"seed", OPTION_U64, "S", "seed of the scratch content", &seed, 0, UINT64_MAX, NULL},
        {"tmp", OPTION_STRING, "PATH", "records file; the scratch file is PATH.scratch, unlinked at once "
         "(default /tmp/crak-scratch-<uid>-<hash of the other options>)", NULL, 0, 0, &tmp},
    };
    size_t spec_count = sizeof specs / sizeof specs[0];
    parse_options(argc, argv,
                  "Rewrites blocks of an unlinked scratch file in place (read, lseek back, write) and writes a\n"
                  "records file in /tmp once per offset, reading earlier records back.",
                  specs, spec_count);
    if ((scratch_mib * 1024) % block_kib != 0 || block_kib % 4 != 0)
        die_usage("--block-kib %" PRIu64 " must be a multiple of 4 dividing --scratch-mib %" PRIu64 " (in KiB)",
                  block_kib, scratch_mib);

    char default_tmp[128];
    if (!tmp) {
        snprintf(default_tmp, sizeof default_tmp, "/tmp/crak-scratch-%u-%016" PRIx64, (unsigned)getuid(),
                 options_hash(specs, spec_count));
        tmp = default_tmp;
    }
    struct files f = {.tmp_path = tmp, .steps = steps, .block_bytes = block_kib * 1024,
                      .block_words = block_kib * 1024 / 8, .blocks = scratch_mib * 1024 / block_kib};
    uint64_t *block = malloc(f.block_bytes);
    if (!block)
        die_sys("allocate a %" PRIu64 "-byte block buffer", f.block_bytes);
    open_files(&f);
    fill_scratch(&f, block, seed);
    progress("scratch file of %" PRIu64 " blocks unlinked; records file has room for %" PRIu64 " records",
             f.blocks, steps);

    uint64_t carry = mix64(seed), every = progress_interval(steps);
    for (uint64_t k = 0; k < steps; k++) {
        carry = step_once(&f, block, k, lag, carry);
        if ((k + 1) % every == 0 || k + 1 == steps)
            progress("step %" PRIu64 "/%" PRIu64 " carry %016" PRIx64, k + 1, steps, carry);
    }
    print_checksum(verify_files(&f, block, carry));
    return EXIT_SUCCESS_CODE;
}
