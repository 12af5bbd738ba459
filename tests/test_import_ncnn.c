/*
 * tests/test_import_ncnn.c - frm import ncnn: ncnn's benchmark table, on
 * hand-written sections covering each rule and on the real file in
 * shared/data when it is there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/import.h"
#include "testutil_import.h"

static const char table[] =
    "benchncnn can be used to test neural network inference performance\n"
    "\n"
    "```shell\n"
    "./benchncnn [loop count] [num threads] [powersave] [gpu device] [cooling down]\n"
    "```\n"
    "### NVIDIA Jetson AGX Orin (Cortex-A78AE 2.2 GHz x 12 + Ampere@1.3 GHz Tensor Cores 64)\n"
    "```\n"
    "i@orin:~/ncnn/benchmark$ ./benchncnn 64 1 0 -1 0\n"
    "loop_count = 64\n"
    "num_threads = 1\n"
    "powersave = 0\n"
    "gpu_device = -1\n"
    "cooling_down = 0\n"
    "          squeezenet  min =   11.66  max =   11.80  avg =   11.74\n"
    "     squeezenet_int8  min =   12.24  max =   12.39  avg =   12.31\n"
    "        mobilenet_v2  min =   13.20  max =   13.41  avg =   13.29\n"
    "i@orin:~/ncnn/benchmark$ ./benchncnn 64 2 0 -1 0\n"
    "          squeezenet  min =    6.83  max =    6.98  avg =    6.90\n"
    "```\n"
    "### AMD Ryzen Threadripper 3970X (Zen2 3.7 GHz ~ 4.5 GHz x 32)\n"
    "```\n"
    "# nice -20 ./benchncnn 8 16\n"
    "[0 NVIDIA GeForce RTX 3090]  queueC=2[8]  queueG=0[16]  queueT=1[2]\n"
    "            resnet50  min =   40.00  max =   44.00  avg =   41.50\r\n"
    "```\n"
    "```\n"
    "./benchncnn 8 1 0 0 0\n"
    "[0 NVIDIA GeForce RTX 3090]  queueC=2[8]  queueG=0[16]  queueT=1[2]\n"
    "[1 llvmpipe (LLVM 15.0.6, 128 bits)]  queueC=0[1]  queueG=0[1]  queueT=0[1]\n"
    "            resnet50  min =    2.00  max =    3.00  avg =    2.50\n"
    "            resnet50  min =    2.10  max =    3.10  avg =    2.60\n"
    "```\n"
    "### Raspberry Pi 5 Broadcom BCM2712, Cortex-A76 (ARMv8) (2.4GHz x 4)\n"
    "- ncnn version tag: 20260113\n"
    "```\n"
    "loop_count = 4\n"
    "num_threads = 4\n"
    "powersave = 0\n"
    "gpu_device = -1\n"
    "cooling_down = 1\n"
    "           googlenet  min =   30.00  max =   33.00  avg =   31.00\n"
    "```\n";

static frm_code import_text(tu_import *r, const char *name, const char *text)
{
    tu_import_init(r);
    return tu_import_files(r, FRMI_IMPORT_NCNN, tu_write(name, text), NULL);
}

static const frm_record *find(const tu_import *r, const char *model, const char *config_part)
{
    for (size_t i = 0; i < frmi_importer_count(r->im); i++) {
        const frm_record *rec = frmi_importer_record(r->im, i);
        if (strcmp(rec->model, model) == 0 && strstr(rec->config_id, config_part))
            return rec;
    }
    fail_msg("no record of '%s' in a configuration with '%s'", model, config_part);
    return NULL;
}

static void sections_runs_and_rows(void **state)
{
    (void)state;
    tu_import r;
    assert_int_equal(import_text(&r, "README.md", table), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 8);
    assert_int_equal(frmi_importer_n_entries(r.im), 8);

    /* the command line and the echoed settings agree: one run */
    const frm_record *rec = find(&r, "squeezenet", "threads-1/");
    assert_string_equal(rec->device, "NVIDIA Jetson AGX Orin (Cortex-A78AE 2.2 GHz x 12 + "
                                     "Ampere@1.3 GHz Tensor Cores 64)");
    assert_string_equal(rec->config_id,
                        "NVIDIA Jetson AGX Orin (Cortex-A78AE 2.2 GHz x 12 + Ampere@1.3 GHz "
                        "Tensor Cores 64)/ncnn/threads-1/powersave-0/cpu/loops-64/cooling-0/"
                        "float");
    assert_int_equal(rec->tier, FRM_TIER_EDGE);        /* Jetson: an embedded board */
    assert_string_equal(rec->framework, "ncnn");
    /* min, max and avg kept; avg stands in for the median, and config says so */
    assert_same(rec->latency_ms.min, 11.66);
    assert_same(rec->latency_ms.max, 11.80);
    assert_same(rec->latency_ms.mean, 11.74);
    assert_same(rec->latency_ms.median, 11.74);
    assert_same(rec->latency_ms.n, 64);
    assert_contains(rec->config_json, "\"latency_statistic\":\"mean\"");
    /* no memory and no MACs: the source measures neither */
    assert_true(isnan(rec->memory_mb.peak));
    assert_true(isnan(rec->macs));

    /* _int8 is another precision of the same model, in a configuration of its own */
    rec = find(&r, "squeezenet", "/int8");
    assert_same(rec->latency_ms.median, 12.31);
    assert_contains(rec->config_json, "\"precision\":\"int8\"");
    /* torchvision's spelling, read through the alias table, the source's name kept */
    rec = find(&r, "mobilenetv2_100", "threads-1/");
    assert_contains(rec->config_json, "\"source_model\":\"mobilenet_v2\"");
    assert_true(isnan(rec->macs));   /* benchncnn's input size is not the zoo's to assume */
    /* a second command line: a second run */
    assert_same(find(&r, "squeezenet", "threads-2/")->latency_ms.median, 6.90);

    /* two positional arguments: the rest are benchncnn's defaults; x86 on the CPU is `cpu` */
    rec = find(&r, "resnet50", "threads-16/");
    assert_string_equal(rec->config_id, "AMD Ryzen Threadripper 3970X (Zen2 3.7 GHz ~ 4.5 GHz "
                                         "x 32)/ncnn/threads-16/powersave-0/cpu/loops-8/"
                                         "cooling-1/float");
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_same(rec->latency_ms.median, 41.5);     /* a CRLF line */
    /* the same board on its discrete GPU is `gpu`; the GPU used is named */
    rec = find(&r, "resnet50", "/gpu-0/");
    assert_int_equal(rec->tier, FRM_TIER_GPU);
    assert_contains(rec->config_json, "\"gpu\":\"NVIDIA GeForce RTX 3090\"");
    assert_same(rec->latency_ms.median, 2.50);
    /* the same model again with no command line between: another run, numbered */
    rec = find(&r, "resnet50", "/run-2");
    assert_same(rec->latency_ms.median, 2.60);
    assert_contains(rec->config_json, "\"run\":2");

    /* settings only echoed; the version tag of the section */
    rec = find(&r, "googlenet", "threads-4/");
    assert_string_equal(rec->framework_version, "20260113");
    assert_int_equal(rec->tier, FRM_TIER_EDGE);
    assert_contains(rec->config_id, "/loops-4/cooling-1/");
    tu_import_free(&r);
}

static void bad_rows(void **state)
{
    (void)state;
    static const char head[] = "### Board\n```\n./benchncnn 4 4 0 -1 0\n"
                               "resnet18  min = 1.00  max = 2.00  avg = 1.50\n";
    char text[2048];
    tu_import r;

    snprintf(text, sizeof text, "%sresnet50  min = 1.00  max = 2.00  avg =\n", head);
    assert_int_equal(import_text(&r, "missing.md", text), FRM_E_SYNTAX);
    assert_contains(r.err.message, "missing.md:5:");
    assert_contains(r.err.message, "model 'resnet50': no 'avg = ' value");
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);

    snprintf(text, sizeof text, "%sresnet50  min = 1.00  max = abc  avg = 1.5\n", head);
    assert_int_equal(import_text(&r, "text.md", text), FRM_E_SYNTAX);
    assert_contains(r.err.message, "text.md:5:29: model 'resnet50': 'abc' is not a number");
    tu_import_free(&r);

    snprintf(text, sizeof text, "%sresnet50  min = -1  max = 2  avg = 1.5\n", head);
    assert_int_equal(import_text(&r, "negative.md", text), FRM_E_VALUE);
    assert_contains(r.err.message, "negative.md:5:17: model 'resnet50': min -1, max 2, avg 1.5 "
                                   "are not a latency");
    tu_import_free(&r);

    /* a spelling that is not UTF-8 would name the record if an alias merged it with another */
    snprintf(text, sizeof text, "%sdir\xff/resnet50  min = 1.00  max = 2.00  avg = 1.5\n", head);
    assert_int_equal(import_text(&r, "latin1.md", text), FRM_E_FIELD);
    assert_contains(r.err.message, "latin1.md:5: the model name is not UTF-8 text");
    tu_import_free(&r);

    /* --skip-bad: the bad row reported, the good one kept */
    snprintf(text, sizeof text, "%sresnet50  min = 1.00  max = 2.00  avg =\n", head);
    tu_import_init(&r);
    r.opts.skip_bad = true;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_NCNN, tu_write("skip.md", text), NULL),
                     FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 1);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_int_equal(frmi_importer_n_entries(r.im), 2);
    tu_import_free(&r);

    assert_int_equal(import_text(&r, "outside.md",
                                 "resnet50  min = 1.00  max = 2.00  avg = 1.50\n"), FRM_E_SYNTAX);
    assert_contains(r.err.message, "outside.md:1:1: a benchmark row outside any '### board'");
    tu_import_free(&r);

    assert_int_equal(import_text(&r, "prose.md", "# Hello\nno table here\n"), FRM_E_SYNTAX);
    assert_contains(r.err.message, "prose.md: no benchmark rows");
    tu_import_free(&r);
}

/* Two sections under one heading with the same settings (two machines): two configurations. */
static void repeated_headings(void **state)
{
    (void)state;
    static const char text[] =
        "### Loongson 3A4000\n```\n$ ./benchncnn 10 4 2 -1 0\n"
        "squeezenet  min = 17.04  max = 39.86  avg = 20.39\n```\n"
        "### Loongson 3A4000\nTest on another system\n```\n$ ./benchncnn 10 4 2 -1 0\n"
        "squeezenet  min = 25.28  max = 38.19  avg = 27.81\n```\n";
    tu_import r;
    assert_int_equal(import_text(&r, "twice.md", text), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 2);
    assert_same(find(&r, "squeezenet", "/run-2")->latency_ms.median, 27.81);
    tu_import_free(&r);
}

/* The real table: every row a record, in the order of the file. */
static void shared_file(void **state)
{
    (void)state;
    const char *dir = getenv("FRM_SHARED_DATA");
    char path[1200];
    snprintf(path, sizeof path, "%s/ncnn/benchmark-README-2026-03-30.md",
             dir ? dir : FRM_SOURCE_DIR "/../shared/data");
    struct stat st;
    if (stat(path, &st) != 0)
        skip();
    tu_import r;
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_NCNN, path, NULL), FRM_OK);
    char *text = tu_read(path);
    size_t rows = 0;
    for (char *p = strstr(text, " min = "); p; p = strstr(p + 1, " min = "))
        rows++;
    free(text);
    assert_int_equal(frmi_importer_n_entries(r.im), rows);
    assert_int_equal(frmi_importer_count(r.im), rows);
    tu_import_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sections_runs_and_rows),
        cmocka_unit_test(bad_rows),
        cmocka_unit_test(repeated_headings),
        cmocka_unit_test(shared_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
