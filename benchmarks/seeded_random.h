/*
 * benchmarks/seeded_random.h - the seeded generator the synthetic datasets of
 * the benchmarks share: splitmix64, small and the same on every platform,
 * so a seed always gives the same dataset.
 */
#ifndef FRM_BENCH_SEEDED_RANDOM_H
#define FRM_BENCH_SEEDED_RANDOM_H

#include <math.h>
#include <stdint.h>

static inline uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1): never 0, so its log is finite. */
static inline double uniform(uint64_t *s)
{
    return ((double)(next_u64(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal (Box-Muller). */
static inline double gaussian(uint64_t *s)
{
    return sqrt(-2.0 * log(uniform(s))) * cos(6.283185307179586 * uniform(s));
}

#endif
