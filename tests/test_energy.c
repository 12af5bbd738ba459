/*
 * tests/test_energy.c - the energy meters: RAPL on fake powercap trees
 * built in a temporary folder, NVML on whatever this machine has.
 *
 * Expected energies are worked out by hand in the comments.  A counter of
 * max_energy_range_uj M counts 0, 1, ..., M, 0, ...: one turn is M + 1 uJ.
 */
#include "testutil.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/energy.h"

/* The large range of a real package (Intel, 61 uJ energy unit). */
#define BIG_RANGE "262143328850\n"

/* tu_tmpdir()/tree, made; the root of a fake /sys/class/powercap. */
static const char *make_tree(const char *tree)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", tu_tmpdir(), tree);
    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

/* A zone folder; its energy_uj and max_energy_range_uj when not NULL. */
static void add_zone(const char *tree, const char *zone, const char *energy, const char *range)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s/%s", tu_tmpdir(), tree, zone);
    assert_int_equal(mkdir(rel, 0755), 0);
    if (energy) {
        snprintf(rel, sizeof rel, "%s/%s/energy_uj", tree, zone);
        tu_write(rel, energy);
    }
    if (range) {
        snprintf(rel, sizeof rel, "%s/%s/max_energy_range_uj", tree, zone);
        tu_write(rel, range);
    }
}

/* Rewrites a zone's energy_uj in place, as the kernel's counter moves. */
static const char *set_energy(const char *tree, const char *zone, const char *energy)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s/energy_uj", tree, zone);
    return tu_write(rel, energy);
}

static frmi_energy *open_ok(const char *root)
{
    frmi_energy *e = NULL;
    frm_error err = {0};
    if (frmi_energy_rapl_open(root, &e, &err) != FRM_OK)
        fail_msg("frmi_energy_rapl_open(%s): %s", root, err.message);
    assert_string_equal(frmi_energy_source(e), "rapl");
    return e;
}

static void expect_open_error(const char *root, frm_code code, const char *needle)
{
    frmi_energy *e = NULL;
    frm_error err = {0};
    assert_int_equal(frmi_energy_rapl_open(root, &e, &err), code);
    assert_int_equal(err.code, code);
    assert_null(e);
    assert_contains(err.message, needle);
}

static void packages_are_summed_and_sub_zones_ignored(void **state)
{
    (void)state;
    const char *root = make_tree("sum");
    add_zone("sum", "intel-rapl", "7\n", BIG_RANGE);          /* the control type, not a zone */
    add_zone("sum", "intel-rapl:0", "1000000\n", BIG_RANGE);
    add_zone("sum", "intel-rapl:0:0", "5\n", BIG_RANGE);      /* cores: inside package 0 */
    add_zone("sum", "intel-rapl:1", "2000000\n", BIG_RANGE);
    add_zone("sum", "intel-rapl:1:0:0", "5\n", BIG_RANGE);
    add_zone("sum", "intel-rapl-mmio:0", "5\n", BIG_RANGE);   /* package 0 again, via MMIO */
    add_zone("sum", "amd-rapl:0", "30\n", BIG_RANGE);
    add_zone("sum", "dtpm", "5\n", BIG_RANGE);
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);

    set_energy("sum", "intel-rapl:0", "1250000\n");
    set_energy("sum", "intel-rapl:1", "2000500\n");
    assert_int_equal(frmi_energy_poll(e, &err), FRM_OK);

    set_energy("sum", "intel-rapl", "999999999\n");
    set_energy("sum", "intel-rapl:0", "1300000\n");
    set_energy("sum", "intel-rapl:0:0", "999999999\n");
    set_energy("sum", "intel-rapl:1:0:0", "999999999\n");
    set_energy("sum", "intel-rapl-mmio:0", "999999999\n");
    set_energy("sum", "amd-rapl:0", "1030\n");
    set_energy("sum", "dtpm", "999999999\n");
    double mj = -1;
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* package 0: 1300000 - 1000000 = 300000 uJ (250000 by the poll, then
     * 50000); package 1: 2000500 - 2000000 = 500 uJ; amd-rapl:0: 1030 - 30
     * = 1000 uJ.  300000 + 500 + 1000 = 301500 uJ = 301.5 mJ. */
    assert_same(mj, 301.5);
    frmi_energy_close(e);
}

static void restart_measures_from_zero(void **state)
{
    (void)state;
    const char *root = make_tree("restart");
    add_zone("restart", "intel-rapl:0", "100\n", BIG_RANGE);
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    double mj = -1;
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("restart", "intel-rapl:0", "2100\n");
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* 2100 - 100 = 2000 uJ */
    assert_same(mj, 2.0);
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("restart", "intel-rapl:0", "2107\n");
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* 2107 - 2100 = 7 uJ: the first measurement is not carried over */
    assert_same(mj, 0.007);
    /* nothing moved: zero */
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    assert_same(mj, 0.0);
    frmi_energy_close(e);
}

static void wrap_around(void **state)
{
    (void)state;
    const char *root = make_tree("wrap");
    add_zone("wrap", "intel-rapl:0", "999000\n", "1000000\n");
    add_zone("wrap", "intel-rapl:1", "400\n", "1000000\n");
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("wrap", "intel-rapl:0", "500\n");
    set_energy("wrap", "intel-rapl:1", "900\n");
    double mj = -1;
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* package 0 went 999000 -> 1000000 (1000 uJ), -> 0 (1 uJ), -> 500
     * (500 uJ): 1501 uJ; package 1 did not wrap: 900 - 400 = 500 uJ.
     * 1501 + 500 = 2001 uJ = 2.001 mJ. */
    assert_same(mj, 2.001);
    frmi_energy_close(e);
}

static void two_wraps_across_polls(void **state)
{
    (void)state;
    const char *root = make_tree("wrap2");
    add_zone("wrap2", "intel-rapl:0", "900\n", "999\n");
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("wrap2", "intel-rapl:0", "100\n");
    assert_int_equal(frmi_energy_poll(e, &err), FRM_OK);
    set_energy("wrap2", "intel-rapl:0", "50\n");
    assert_int_equal(frmi_energy_poll(e, &err), FRM_OK);
    set_energy("wrap2", "intel-rapl:0", "999\n");
    assert_int_equal(frmi_energy_poll(e, &err), FRM_OK);
    set_energy("wrap2", "intel-rapl:0", "0\n");
    double mj = -1;
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* Turn of 999 + 1 = 1000 uJ.
     *   900 -> 100, wrapped: (999 - 900) + 1 + 100 = 200 uJ
     *   100 -> 50, wrapped:  (999 - 100) + 1 + 50  = 950 uJ
     *    50 -> 999:          999 - 50             = 949 uJ
     *   999 -> 0, wrapped:   (999 - 999) + 1 + 0  =   1 uJ
     * 200 + 950 + 949 + 1 = 2100 uJ = 2.1 mJ (two full turns plus 100). */
    assert_same(mj, 2.1);
    frmi_energy_close(e);
}

static void psys_zone_is_ignored(void **state)
{
    (void)state;
    const char *root = make_tree("psys");
    add_zone("psys", "intel-rapl:0", "10\n", BIG_RANGE);
    tu_write("psys/intel-rapl:0/name", "package-0\n");
    add_zone("psys", "intel-rapl:1", "10\n", BIG_RANGE);
    tu_write("psys/intel-rapl:1/name", "psys\n");
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("psys", "intel-rapl:0", "3010\n");
    set_energy("psys", "intel-rapl:1", "90010\n");
    double mj = -1;
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* package 0 only: 3010 - 10 = 3000 uJ; the platform's 90000 uJ include it */
    assert_same(mj, 3.0);
    frmi_energy_close(e);
}

static void no_domains(void **state)
{
    (void)state;
    /* only what is not a package zone */
    const char *root = make_tree("none");
    add_zone("none", "intel-rapl", NULL, NULL);
    add_zone("none", "intel-rapl:0:0", "5\n", BIG_RANGE);
    add_zone("none", "intel-rapl:", "5\n", BIG_RANGE);
    add_zone("none", "intel-rapl:x", "5\n", BIG_RANGE);
    add_zone("none", "intel-rapl:0x", "5\n", BIG_RANGE);
    add_zone("none", "intel-rapl-mmio:0", "5\n", BIG_RANGE);
    expect_open_error(root, FRM_E_IO, "no RAPL energy counters under ");
    expect_open_error(root, FRM_E_IO, root);

    /* a psys zone alone leaves nothing */
    root = make_tree("only-psys");
    add_zone("only-psys", "intel-rapl:0", "5\n", BIG_RANGE);
    tu_write("only-psys/intel-rapl:0/name", "psys\n");
    expect_open_error(root, FRM_E_IO, root);

    /* no powercap at all */
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/no-such-powercap", tu_tmpdir());
    expect_open_error(missing, FRM_E_IO, "no RAPL energy counters under ");
    expect_open_error(missing, FRM_E_IO, missing);
}

static void unreadable_counter(void **state)
{
    (void)state;
    const char *root = make_tree("locked");
    add_zone("locked", "intel-rapl:0", "5\n", BIG_RANGE);
    const char *path = set_energy("locked", "intel-rapl:0", "5\n");
    assert_int_equal(chmod(path, 0), 0);
    frmi_energy *e = NULL;
    frm_error err = {0};
    frm_code rc = frmi_energy_rapl_open(root, &e, &err);
    /* root reads through mode 000, as it would the real 0400 counter */
    if (geteuid() != 0) {
        assert_int_equal(rc, FRM_E_IO);
        assert_null(e);
        assert_contains(err.message, "readable only by root");
        assert_contains(err.message, path);
    } else {
        assert_int_equal(rc, FRM_OK);
    }
    frmi_energy_close(e);
}

static void missing_files(void **state)
{
    (void)state;
    const char *root = make_tree("no-range");
    add_zone("no-range", "intel-rapl:0", "5\n", NULL);
    expect_open_error(root, FRM_E_IO, "max_energy_range_uj");

    root = make_tree("no-energy");
    add_zone("no-energy", "intel-rapl:0", "5\n", BIG_RANGE);
    add_zone("no-energy", "intel-rapl:1", NULL, BIG_RANGE);
    expect_open_error(root, FRM_E_IO, "intel-rapl:1/energy_uj");
}

static void garbage_is_rejected_naming_the_file(void **state)
{
    (void)state;
    const char *bad[] = {"", "\n", "abc\n", "12abc\n", "-5\n", " 5\n", "5 \n", "5\n\n", "0x10\n",
                         "1.5\n", "99999999999999999999\n" /* > 2^64 - 1 */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char tree[32];
        snprintf(tree, sizeof tree, "garbage%zu", i);
        const char *root = make_tree(tree);
        add_zone(tree, "intel-rapl:0", "5\n", BIG_RANGE);
        add_zone(tree, "intel-rapl:1", bad[i], BIG_RANGE);
        char needle[64];
        snprintf(needle, sizeof needle, "%s/intel-rapl:1/energy_uj", tree);
        expect_open_error(root, FRM_E_IO, needle);
    }
    const char *root = make_tree("garbage-range");
    add_zone("garbage-range", "intel-rapl:0", "5\n", "lots\n");
    expect_open_error(root, FRM_E_IO, "garbage-range/intel-rapl:0/max_energy_range_uj");
    /* the largest value there is is fine, without a newline too */
    root = make_tree("garbage-max");
    add_zone("garbage-max", "intel-rapl:0", "18446744073709551615", "18446744073709551615\n");
    frmi_energy_close(open_ok(root));
}

static void garbage_while_polling(void **state)
{
    (void)state;
    const char *root = make_tree("poll-garbage");
    add_zone("poll-garbage", "intel-rapl:0", "1000\n", BIG_RANGE);
    add_zone("poll-garbage", "intel-rapl:1", "1000\n", BIG_RANGE);
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    set_energy("poll-garbage", "intel-rapl:0", "4000\n");
    set_energy("poll-garbage", "intel-rapl:1", "oops\n");
    assert_int_equal(frmi_energy_poll(e, &err), FRM_E_IO);
    assert_contains(err.message, "poll-garbage/intel-rapl:1/energy_uj");
    double mj = -1;
    set_energy("poll-garbage", "intel-rapl:1", "1500\n");
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    /* The failed poll counted nothing: from the start, 4000 - 1000 = 3000
     * uJ and 1500 - 1000 = 500 uJ, 3500 uJ = 3.5 mJ. */
    assert_same(mj, 3.5);
    frmi_energy_close(e);
}

static void poll_before_start(void **state)
{
    (void)state;
    const char *root = make_tree("unstarted");
    add_zone("unstarted", "intel-rapl:0", "1000\n", BIG_RANGE);
    frmi_energy *e = open_ok(root);
    frm_error err = {0};
    double mj = -1;
    assert_int_equal(frmi_energy_poll(e, &err), FRM_E_ARGUMENT);
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_E_ARGUMENT);
    assert_same(mj, -1.0);
    frmi_energy_close(e);
    frmi_energy_close(NULL);
}

static void nvml(void **state)
{
    (void)state;
    frmi_energy *e = NULL;
    frm_error err = {0};
    assert_int_equal(frmi_energy_nvml_open(-1, &e, &err), FRM_E_ARGUMENT);
    assert_null(e);

    void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        lib = dlopen("libnvidia-ml.so", RTLD_NOW | RTLD_LOCAL);
    frm_code rc = frmi_energy_nvml_open(0, &e, &err);
    if (!lib) {
        assert_int_equal(rc, FRM_E_IO);
        assert_null(e);
        assert_contains(err.message, "libnvidia-ml");
        return;
    }
    dlclose(lib);
    /* With a driver: a GPU 0 that offers the counter, or an explanation. */
    if (rc != FRM_OK) {
        assert_int_equal(rc, FRM_E_IO);
        assert_true(err.message[0] != '\0');
        return;
    }
    assert_string_equal(frmi_energy_source(e), "nvml");
    double mj = -1;
    assert_int_equal(frmi_energy_start(e, &err), FRM_OK);
    assert_int_equal(frmi_energy_stop(e, &mj, &err), FRM_OK);
    assert_true(mj >= 0);
    frmi_energy_close(e);
    assert_int_equal(frmi_energy_nvml_open(1 << 20, &e, &err), FRM_E_IO);
    assert_contains(err.message, "GPU 1048576");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(packages_are_summed_and_sub_zones_ignored),
        cmocka_unit_test(restart_measures_from_zero),
        cmocka_unit_test(wrap_around),
        cmocka_unit_test(two_wraps_across_polls),
        cmocka_unit_test(psys_zone_is_ignored),
        cmocka_unit_test(no_domains),
        cmocka_unit_test(unreadable_counter),
        cmocka_unit_test(missing_files),
        cmocka_unit_test(garbage_is_rejected_naming_the_file),
        cmocka_unit_test(garbage_while_polling),
        cmocka_unit_test(poll_before_start),
        cmocka_unit_test(nvml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
