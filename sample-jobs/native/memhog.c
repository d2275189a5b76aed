/*
 * memhog: a large anonymous memory region rewritten pass after pass.
 *
 * --mib M MiB are mapped with mmap and filled once; each pass then rewrites the first --hot-mib
 * of it chunk by chunk, every word a function of its old value and of the word written just
 * before it (a chain through all chunks and passes). While rewriting a chunk its old content is
 * hashed and compared with the hash recorded when it was last written, so memory lost or
 * corrupted by a restore is detected (exit 3) at the next pass, and the cold part is verified
 * at the end. A further --untouched-mib region is mapped but never touched: a checkpoint
 * should not store it and a restore should not populate it (reported on the line before the
 * checksum, from mincore).
 */
#define _GNU_SOURCE
#include "common.h"

#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_MIB 256
#define MAX_MIB (256u * 1024)
#define DEFAULT_PASSES 35
#define DEFAULT_CHUNK_KIB 1024
#define DEFAULT_UNTOUCHED_MIB 1024
#define BYTES_PER_MIB (1024ull * 1024)
#define DIGEST_MULTIPLIER 0x100000001b3ULL

struct region {
    uint64_t *words;
    uint64_t chunks, words_per_chunk;
    uint64_t *digest;          /* polynomial hash of each chunk's current content */
};

static uint64_t chunk_digest(const uint64_t *w, uint64_t n)
{
    uint64_t d = n;
    for (uint64_t i = 0; i < n; i++)
        d = d * DIGEST_MULTIPLIER + w[i];
    return d;
}

/* Rewrites one chunk; returns the chain carry. Verifies the old content on the way. */
static uint64_t rewrite_chunk(struct region *r, uint64_t chunk, uint64_t pass, uint64_t carry)
{
    uint64_t *w = r->words + chunk * r->words_per_chunk;
    uint64_t n = r->words_per_chunk, old_digest = n, new_digest = n;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t old = w[i];
        old_digest = old_digest * DIGEST_MULTIPLIER + old;
        carry = mix64(old ^ carry) + pass;
        w[i] = carry;
        new_digest = new_digest * DIGEST_MULTIPLIER + carry;
    }
    if (old_digest != r->digest[chunk])
        die_inconsistent("chunk %" PRIu64 " (bytes %" PRIu64 "..%" PRIu64 ") changed since it was written: "
                         "digest %016" PRIx64 ", expected %016" PRIx64 " in pass %" PRIu64, chunk,
                         chunk * n * 8, (chunk + 1) * n * 8 - 1, old_digest, r->digest[chunk], pass);
    r->digest[chunk] = new_digest;
    return carry;
}

static void *map_anonymous(uint64_t bytes, const char *what)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        die_sys("mmap %" PRIu64 " bytes for the %s region", bytes, what);
    return p;
}

static uint64_t resident_pages(void *start, uint64_t bytes)
{
    long page = sysconf(_SC_PAGESIZE);
    uint64_t pages = (bytes + (uint64_t)page - 1) / (uint64_t)page, resident = 0;
    unsigned char *vec = malloc(pages ? pages : 1);
    if (!vec)
        die_sys("allocate %" PRIu64 "-entry mincore vector", pages);
    if (mincore(start, bytes, vec) != 0)
        die_sys("mincore on the untouched region");
    for (uint64_t i = 0; i < pages; i++)
        resident += vec[i] & 1;
    free(vec);
    return resident;
}

int main(int argc, char **argv)
{
    set_job_name("memhog");
    uint64_t mib = DEFAULT_MIB, hot_mib = 0, passes = DEFAULT_PASSES, chunk_kib = DEFAULT_CHUNK_KIB,
             untouched_mib = DEFAULT_UNTOUCHED_MIB, seed = 1;
    struct option_spec specs[] = {
        {"mib", OPTION_U64, "M", "MiB of memory filled and checksummed", &mib, 1, MAX_MIB, NULL},
        {"hot-mib", OPTION_U64, "H", "MiB rewritten by every pass (0 = all of --mib)", &hot_mib, 0, MAX_MIB, NULL},
        {"passes", OPTION_U64, "P", "rewrite passes", &passes, 1, UINT32_MAX, NULL},
        {"chunk-kib", OPTION_U64, "K", "KiB rewritten per step (divides --mib)", &chunk_kib, 4, 1024 * 1024, NULL},
        {"untouched-mib", OPTION_U64, "U", "MiB mapped but never touched", &untouched_mib, 0, MAX_MIB, NULL},
        {"seed", OPTION_U64, "S", "seed of the initial content", &seed, 0, UINT64_MAX, NULL},
    };
    parse_options(argc, argv,
                  "Fills --mib MiB of anonymous memory and rewrites it in passes (each word from its old value\n"
                  "and the previous word), verifying every chunk's content between passes.",
                  specs, sizeof specs / sizeof specs[0]);
    if (hot_mib == 0)
        hot_mib = mib;
    if (hot_mib > mib)
        die_usage("--hot-mib %" PRIu64 " is larger than --mib %" PRIu64, hot_mib, mib);
    if ((mib * 1024) % chunk_kib != 0 || (hot_mib * 1024) % chunk_kib != 0 || chunk_kib % 4 != 0)
        die_usage("--chunk-kib %" PRIu64 " must be a multiple of 4 dividing --mib %" PRIu64 " and --hot-mib %"
                  PRIu64 " (in KiB)", chunk_kib, mib, hot_mib);

    struct region r = {.chunks = mib * 1024 / chunk_kib, .words_per_chunk = chunk_kib * 1024 / 8};
    uint64_t hot_chunks = hot_mib * 1024 / chunk_kib;
    r.words = map_anonymous(mib * BYTES_PER_MIB, "main");
    uint64_t untouched_bytes = untouched_mib * BYTES_PER_MIB;
    void *untouched = untouched_bytes ? map_anonymous(untouched_bytes, "untouched") : NULL;
    r.digest = calloc(r.chunks, sizeof(uint64_t));
    if (!r.digest)
        die_sys("allocate %" PRIu64 " chunk digests", r.chunks);

    for (uint64_t c = 0; c < r.chunks; c++) {
        uint64_t *w = r.words + c * r.words_per_chunk;
        for (uint64_t i = 0; i < r.words_per_chunk; i++)
            w[i] = mix64(seed + c * r.words_per_chunk + i);
        r.digest[c] = chunk_digest(w, r.words_per_chunk);
    }
    progress("filled %" PRIu64 " MiB in %" PRIu64 " chunks", mib, r.chunks);

    uint64_t carry = mix64(seed), every = progress_interval(passes);
    for (uint64_t p = 0; p < passes; p++) {
        for (uint64_t c = 0; c < hot_chunks; c++)
            carry = rewrite_chunk(&r, c, p, carry);
        if ((p + 1) % every == 0 || p + 1 == passes)
            progress("step %" PRIu64 "/%" PRIu64 " carry %016" PRIx64, p + 1, passes, carry);
    }

    uint64_t checksum = carry;
    for (uint64_t c = 0; c < r.chunks; c++) {
        uint64_t d = chunk_digest(r.words + c * r.words_per_chunk, r.words_per_chunk);
        if (d != r.digest[c])
            die_inconsistent("chunk %" PRIu64 " changed since it was last written: digest %016" PRIx64
                             ", expected %016" PRIx64, c, d, r.digest[c]);
        checksum = fold64(checksum, d);
    }
    if (untouched)
        progress("untouched region: %" PRIu64 " of %" PRIu64 " pages resident",
                 resident_pages(untouched, untouched_bytes), untouched_bytes / (uint64_t)sysconf(_SC_PAGESIZE));
    print_checksum(checksum);
    return EXIT_SUCCESS_CODE;
}
