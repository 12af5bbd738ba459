/*
 * tests/test_import.c - frm import: names, CSV reading, timm tables (the
 * real ones in shared/data when present), any CSV, and the command.
 */
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/csv.h"
#include "import/import.h"
#include "testutil_import.h"

/* --- Names --------------------------------------------------------------------- */

static void name_of(const frmi_aliases *a, const char *raw, const char *name, const char *tag)
{
    char n[256], t[128];
    frmi_model_name(a, raw, n, sizeof n, t, sizeof t);
    assert_string_equal(n, name);
    assert_string_equal(t, tag);
}

static void names_and_aliases(void **state)
{
    (void)state;
    frmi_aliases *a;
    frm_error err;
    assert_int_equal(frmi_aliases_new(&a, &err), FRM_OK);
    name_of(a, "resnet50.a1_in1k", "resnet50", "a1_in1k");
    name_of(a, "convnext_tiny.in12k_ft_in1k_384", "convnext_tiny", "in12k_ft_in1k_384");
    name_of(a, "mobilenet_v2", "mobilenetv2_100", "");
    name_of(a, "MNASNet1-0", "mnasnet_100", "");
    name_of(a, "/data/local/tmp/mobilenet_v2_1.0_224_quant.tflite", "mobilenetv2_100", "");
    /* digits after the dot are part of the name, not a tag */
    name_of(a, "mobilenet_v1_1.0_224.tflite", "mobilenet_v1_1.0_224", "");
    name_of(a, "models/resnet18.onnx", "resnet18", "");
    name_of(NULL, "mobilenet_v2", "mobilenet_v2", "");

    const char *file = tu_write("aliases.txt", "# mine\nmy-net  resnet50\nother=densenet121 # c\n\n");
    assert_int_equal(frmi_aliases_load(a, file, &err), FRM_OK);
    name_of(a, "MY_NET", "resnet50", "");
    name_of(a, "other.tag_x", "densenet121", "tag_x");
    const char *bad = tu_write("aliases-bad.txt", "a b\nlonely\n");
    assert_int_equal(frmi_aliases_load(a, bad, &err), FRM_E_SYNTAX);
    assert_contains(err.message, "aliases-bad.txt:2:");
    assert_int_equal(frmi_aliases_load(a, "/nonexistent/aliases", &err), FRM_E_IO);
    frmi_aliases_free(a);
}

/* --- CSV ------------------------------------------------------------------------ */

static void csv_rows(void **state)
{
    (void)state;
    const char *text = "a, b ,\"c,d\"\r\n\n\"say \"\"hi\"\"\",\"two\nlines\",x\n1,2";
    frmi_csv c;
    frm_error err;
    bool more;
    frmi_csv_init(&c, text, strlen(text), ',');
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_OK);
    assert_true(more);
    assert_int_equal(c.n_fields, 3);
    assert_string_equal(c.fields[1], "b");
    assert_string_equal(c.fields[2], "c,d");
    assert_int_equal(frmi_csv_column(c.fields, c.n_fields, "B"), 1);
    assert_int_equal(frmi_csv_column(c.fields, c.n_fields, "z"), -1);
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_OK);
    assert_int_equal(c.line, 3);
    assert_string_equal(c.fields[0], "say \"hi\"");
    assert_string_equal(c.fields[1], "two\nlines");
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_OK);
    assert_int_equal(c.line, 5);
    assert_string_equal(c.fields[1], "2");
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_OK);
    assert_false(more);
    frmi_csv_release(&c);

    const char *open_quote = "a\n\"never closed,1\n";
    frmi_csv_init(&c, open_quote, strlen(open_quote), ',');
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_OK);
    assert_int_equal(frmi_csv_next(&c, &more, &err), FRM_E_SYNTAX);
    assert_contains(err.message, "line 2");
    frmi_csv_release(&c);

    double v;
    assert_true(frmi_parse_number("1024.0", &v) && v == 1024);
    assert_true(frmi_parse_number(" 1.5e3 ", &v) && v == 1500);
    assert_false(frmi_parse_number("", &v));
    assert_false(frmi_parse_number("12ms", &v));
    assert_false(frmi_parse_number("nan", &v));
}

/* --- timm ------------------------------------------------------------------------- */

static const frm_record *find(const tu_import *r, const char *config_id, const char *model)
{
    for (size_t i = 0; i < frmi_importer_count(r->im); i++) {
        const frm_record *rec = frmi_importer_record(r->im, i);
        if (strcmp(rec->model, model) == 0 && (!config_id || strcmp(rec->config_id, config_id) == 0))
            return rec;
    }
    return NULL;
}

static const char gpu_table[] =
    "model,infer_img_size,infer_samples_per_sec,infer_step_time,infer_batch_size,param_count,"
    "infer_gmacs,infer_macts\n"
    "resnet50.a1_in1k,224,3219.06,318.095,1024,25.56,4.11,11.11\n"
    "resnet50,288,1939.79,527.881,1024.0,25.56,6.8,18.37\n"
    "tinynet_e,106,76644.06,13.346,1024,2.04,0.03,0.69\n"
    "tinynet_e,160,50000,20.5,1024,2.04,0.07,1.5\n"
    "mobilenetv2_100,224,8629.73,118.65,1024,3.5,0.31,6.68\n";

/* Another order of columns, no infer_gmacs / infer_macts, batch 1: timm's CPU files. */
static const char cpu_table[] =
    "infer_batch_size,model,infer_step_time,infer_img_size,param_count,infer_samples_per_sec\n"
    "1,resnet50,32.78,224,25.56,30.48\n"
    "1,mobilenetv2_100,6.591,224,3.5,151.16\n"
    "1,tinynet_e,2.0,106,2.04,500\n"
    "1,lonely_net,3.0,224,1.0,333\n";

static void timm_file_names_and_numbers(void **state)
{
    (void)state;
    tu_import r;
    tu_import_init(&r);
    const char *gpu = tu_write("benchmark-infer-amp-nhwc-pt240-cu124-rtx4090.csv", gpu_table);
    const char *cpu = tu_write("benchmark-infer-fp32-nchw-pt2131-cpu-i7_12700h-dynamo.csv", cpu_table);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, gpu, cpu, NULL), FRM_OK);
    /* 9 rows, lonely_net has MACs in no file: reported and left out */
    assert_int_equal(frmi_importer_count(r.im), 8);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_true(tu_import_said(&r, "-cpu-i7_12700h-dynamo.csv:5: lonely_net at 224: no "
                                   "infer_gmacs here"));

    const char *gpu_id = "rtx4090/pytorch/amp/nhwc/pt2.4.0/cu12.4";
    const frm_record *rec = find(&r, gpu_id, "resnet50");
    assert_non_null(rec);
    assert_string_equal(rec->device, "rtx4090");
    assert_int_equal(rec->tier, FRM_TIER_GPU);
    assert_string_equal(rec->framework, "pytorch");
    assert_string_equal(rec->framework_version, "2.4.0");
    assert_same(rec->latency_ms.median, 318.095);  /* per call; batch divides it */
    assert_same(rec->batch, 1024);
    assert_same(rec->macs, 4.11e9);
    assert_same(rec->params, 25.56e6);
    /* amp: 2 bytes per element, (25.56 + 11.11) M elements = 73.34 MB */
    assert_same(rec->memory_mb.peak, 73.34);
    assert_string_equal(rec->memory_mb.source, "estimated:params+activations");
    assert_contains(rec->config_json, "\"layout\":\"nhwc\"");
    assert_contains(rec->config_json, "\"tag\":\"a1_in1k\"");
    assert_contains(rec->source, "import:timm:benchmark-infer-amp-nhwc-pt240-cu124-rtx4090.csv");
    /* several sizes: the default one (the zoo's 224) keeps the name */
    rec = find(&r, gpu_id, "resnet50@288");
    assert_non_null(rec);
    assert_same(rec->batch, 1024);
    /* tinynet_e is not in the zoo and never at 224: its smallest size is the default */
    assert_non_null(find(&r, gpu_id, "tinynet_e"));
    assert_non_null(find(&r, gpu_id, "tinynet_e@160"));

    const char *cpu_id = "i7_12700h/pytorch/fp32/nchw/pt2.13.1/dynamo";
    rec = find(&r, cpu_id, "resnet50");
    assert_non_null(rec);
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_same(rec->latency_ms.median, 32.78);
    assert_same(rec->batch, 1);
    /* MACs and activations from the GPU file, fp32: (25.56 + 11.11) x 4 */
    assert_same(rec->macs, 4.11e9);
    assert_same(rec->memory_mb.peak, 146.68);
    assert_contains(rec->config_json, "\"compile\":\"dynamo\"");
    tu_import_free(&r);
}

static void timm_size_policies(void **state)
{
    (void)state;
    const char *gpu = tu_write("benchmark-infer-amp-nchw-pt240-cu124-a100.csv", gpu_table);
    const struct {
        frmi_size_policy policy;
        size_t count;
        const char *present, *absent;
    } cases[] = {
        {FRMI_SIZE_SUFFIX, 5, "resnet50@288", "resnet50@224"},
        {FRMI_SIZE_DEFAULT, 3, "tinynet_e", "resnet50@288"},
        {FRMI_SIZE_MAX, 3, "resnet50", "tinynet_e@160"},
        {FRMI_SIZE_ALL, 5, "mobilenetv2_100@224", "resnet50"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_import r;
        tu_import_init(&r);
        r.opts.size_policy = cases[i].policy;
        assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, gpu, NULL), FRM_OK);
        assert_int_equal(frmi_importer_count(r.im), cases[i].count);
        assert_non_null(find(&r, NULL, cases[i].present));
        assert_null(find(&r, NULL, cases[i].absent));
        if (cases[i].policy == FRMI_SIZE_MAX)
            assert_same(find(&r, NULL, "resnet50")->latency_ms.median, 527.881);
        tu_import_free(&r);
    }
}

static void timm_accuracy_join(void **state)
{
    (void)state;
    const char *acc = tu_write("results-imagenet.csv",
                               "model,img_size,top1,top1_err,top5,top5_err,param_count\n"
                               "resnet50.fb_swsl_ig1b_ft_in1k,224,81.146,18.854,95.98,4.02,25.56\n"
                               "resnet50.a1_in1k,288,81.240,18.760,95.112,4.888,25.56\n"
                               "resnet50.tv2_in1k,224,80.846,19.154,95.43,4.57,25.56\n"
                               "mobilenet_v2,224,72.0,28,90,10,3.5\n");
    tu_import r;
    tu_import_init(&r);
    frmi_accuracy_table *table = NULL;
    assert_int_equal(frmi_accuracy_table_load(acc, r.aliases, &table, &r.err), FRM_OK);
    r.opts.accuracy = table;
    const char *gpu = tu_write("benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv", gpu_table);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, gpu, NULL), FRM_OK);
    /* the first row for (resnet50, 224), as a fraction */
    assert_same(find(&r, NULL, "resnet50")->accuracy_top1, 0.81146);
    assert_same(find(&r, NULL, "resnet50@288")->accuracy_top1, 0.8124);
    /* through an alias: torchvision's mobilenet_v2 */
    assert_same(find(&r, NULL, "mobilenetv2_100")->accuracy_top1, 0.72);
    assert_true(isnan(find(&r, NULL, "tinynet_e")->accuracy_top1));
    tu_import_free(&r);
    frmi_accuracy_table_free(table);

    const char *bad = tu_write("results-bad.csv", "model,img_size\nx,224\n");
    frmi_accuracy_table *t = NULL;
    frm_error err;
    assert_int_equal(frmi_accuracy_table_load(bad, NULL, &t, &err), FRM_E_FIELD);
    assert_contains(err.message, "results-bad.csv:1: no column 'top1'");
}

static void timm_errors(void **state)
{
    (void)state;
    tu_import r;
    tu_import_init(&r);
    const char *no_step = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-x.csv",
                                   "model,infer_img_size,infer_batch_size\nresnet50,224,1\n");
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, no_step, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "benchmark-infer-fp32-nchw-pt240-cpu-x.csv:1: no column "
                                   "'infer_step_time'");
    tu_import_free(&r);

    const char *bad_row = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-y.csv",
                                   "model,infer_img_size,infer_step_time,infer_batch_size,"
                                   "param_count,infer_gmacs,infer_macts\n"
                                   "resnet50,224,32.78,1,25.56,4.11,11.11\n"
                                   "resnet18,224,abc,1,11.69,1.82,2.48\n"
                                   "mobilenetv2_100,224,6.591,1,3.5,0.31,6.68\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, bad_row, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "-cpu-y.csv:3:3: column 'infer_step_time': 'abc' is not a number");
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);

    tu_import_init(&r);
    r.opts.skip_bad = true;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, bad_row, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 2);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_true(tu_import_said(&r, "-cpu-y.csv:3:3: column 'infer_step_time'"));
    tu_import_free(&r);

    /* a model timm could not run: no step time, no batch; reported, the rest imported */
    const char *unrun = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-z.csv",
                                 "model,infer_samples_per_sec,infer_step_time,infer_batch_size,"
                                 "infer_img_size,param_count,infer_gmacs,infer_macts\n"
                                 "resnet50,30.5,32.78,1,224,25.56,4.11,11.11\n"
                                 "huge_vit,,,,518,632.2,,\n"
                                 "resnet18,90.1,11.1,1,224,11.69,1.82,2.48\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, unrun, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 2);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_true(tu_import_said(&r, "-cpu-z.csv:3:3: huge_vit: no infer_step_time and no "
                                   "infer_batch_size"));
    size_t count;
    assert_int_equal(frmi_importer_n_reasons(r.im), 1);
    assert_string_equal(frmi_importer_reason(r.im, 0, &count),
                        "no measurement (timm could not run the model)");
    assert_int_equal(count, 1);
    tu_import_free(&r);

    /* a row longer than the header has shifted: which value is which is lost */
    const char *shifted = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-v.csv",
                                   "model,infer_img_size,infer_step_time,infer_batch_size,"
                                   "param_count\nresnet50,224,30.1,1,25.6\n"
                                   "resnet18,224,1,2,3,4\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, shifted, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "-cpu-v.csv:3:6: 6 fields where the header names 5");
    tu_import_free(&r);
    const char *twice = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-u.csv",
                                 "model,infer_img_size,infer_step_time,infer_batch_size,"
                                 "infer_step_time\nresnet50,224,30.1,1,40\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, twice, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "-cpu-u.csv:1:5: column 'infer_step_time' named twice (also "
                                   "column 3)");
    tu_import_free(&r);

    /* only one of the two missing is a malformed row */
    const char *half = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-w.csv",
                                "model,infer_img_size,infer_step_time,infer_batch_size\n"
                                "resnet50,224,,1\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, half, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "-cpu-w.csv:2:3: column 'infer_step_time'");
    tu_import_free(&r);

    /* no device in the file name, and none given */
    const char *anonymous = tu_write("benchmark-infer-fp32-cpu.csv", "model,infer_img_size,infer_step_time,"
                                                 "infer_batch_size\nresnet50,224,1,1\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, anonymous, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "names no device");
    tu_import_free(&r);
}

/* The shared timm tables: every row is a record or a reported row, with the CSV's numbers. */
static void timm_shared_files(void **state)
{
    (void)state;
    static const char *const names[] = {
        "benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv",
        "benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv",
        "benchmark-infer-amp-nhwc-pt240-cu124-rtx3090.csv",
        "benchmark-infer-fp32-nchw-pt240-cpu-i7_12700h-dynamo.csv",
    };
    const char *dir = getenv("FRM_SHARED_DATA");
    char base[1024], paths[4][1200];
    snprintf(base, sizeof base, "%s/timm", dir ? dir : FRM_SOURCE_DIR "/../shared/data");
    struct stat st;
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", base, names[i]);
        if (stat(paths[i], &st) != 0)
            skip();
    }
    tu_import r;
    tu_import_init(&r);
    r.opts.size_policy = FRMI_SIZE_ALL;    /* every record named NAME@SIZE: easy to find */
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, paths[0], paths[1], paths[2], paths[3], NULL),
                     FRM_OK);
    size_t rows = 0, matched = 0;
    for (int i = 0; i < 4; i++) {
        char *text = tu_read(paths[i]);
        assert_non_null(text);
        /* timm writes no quotes: a plain split is an independent reading */
        char *save = NULL, *line = strtok_r(text, "\n", &save);
        assert_string_equal(line, "model,infer_img_size,infer_samples_per_sec,infer_step_time,"
                                  "infer_batch_size,param_count,infer_gmacs,infer_macts");
        while ((line = strtok_r(NULL, "\n", &save))) {
            char model[256], name[300];
            double size, per_sec, step, batch, params;
            rows++;
            assert_int_equal(sscanf(line, "%255[^,],%lf,%lf,%lf,%lf,%lf", model, &size, &per_sec,
                                    &step, &batch, &params), 6);
            snprintf(name, sizeof name, "%s@%g", model, size);
            const frm_record *rec = NULL;
            for (size_t k = 0; k < frmi_importer_count(r.im) && !rec; k++) {
                const frm_record *c = frmi_importer_record(r.im, k);
                if (strcmp(c->model, name) == 0 && strstr(c->source, names[i]))
                    rec = c;
            }
            if (!rec)
                continue;
            matched++;
            assert_same(rec->latency_ms.median, step);
            assert_same(rec->batch, batch);
            assert_same(rec->params, round(params * 1e6));   /* whole parameters */
            /*
             * The per-sample rule: step time over the batch matches timm's
             * samples per second, within 2% (it times more than the step) and its two printed
             * decimals.
             */
            double rate = 1000.0 * rec->batch / rec->latency_ms.median;
            assert_true(fabs(rate - per_sec) <= 0.02 * per_sec + 0.006);
        }
        free(text);
    }
    assert_int_equal(matched, frmi_importer_count(r.im));
    assert_int_equal(matched + frmi_importer_n_skipped(r.im), rows);
    tu_import_free(&r);
}

/*
 * An alias never merges two measurements: timm's older tables measure
 * tv_resnet50 (torchvision's weights) beside resnet50; the name as measured
 * wins and the other keeps its own spelling, at every input size.
 */
static void timm_alias_collisions(void **state)
{
    (void)state;
    const char *both = tu_write("benchmark-infer-amp-nchw-pt113-cu117-old.csv",
                                "model,infer_img_size,infer_step_time,infer_batch_size,"
                                "param_count,infer_gmacs,infer_macts\n"
                                "tv_resnet50,224,30.1,1,25.56,4.11,11.11\n"
                                "resnet50,224,30.5,1,25.56,4.11,11.11\n"
                                "resnet50,288,50.5,1,25.56,6.8,18.4\n"
                                "tv_resnet50,288,50.1,1,25.56,6.8,18.4\n"
                                "tv_densenet121,224,20,1,7.98,2.87,6.9\n");
    tu_import r;
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, both, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 5);
    assert_same(find(&r, NULL, "resnet50")->latency_ms.median, 30.5);
    assert_same(find(&r, NULL, "tv_resnet50")->latency_ms.median, 30.1);
    assert_same(find(&r, NULL, "resnet50@288")->latency_ms.median, 50.5);
    assert_same(find(&r, NULL, "tv_resnet50@288")->latency_ms.median, 50.1);
    /* alone, the alias still applies */
    assert_same(find(&r, NULL, "densenet121")->latency_ms.median, 20);
    /* pt113 is PyTorch 1.13, not 1.1.3 */
    assert_string_equal(find(&r, NULL, "densenet121")->framework_version, "1.13");
    assert_contains(find(&r, NULL, "densenet121")->config_id, "/pt1.13/");
    assert_true(tu_import_said(&r, "old.csv:2: 'resnet50' is measured in configuration"));
    tu_import_free(&r);

    /* the same name twice, no alias involved: still an error */
    const char *twice = tu_write("benchmark-infer-amp-nchw-pt113-cu117-twice.csv",
                                 "model,infer_img_size,infer_step_time,infer_batch_size,"
                                 "param_count,infer_gmacs,infer_macts\n"
                                 "resnet50,224,30.1,1,25.56,4.11,11.11\n"
                                 "resnet50,224,30.5,1,25.56,4.11,11.11\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_TIMM, twice, NULL), FRM_E_DUPLICATE);
    assert_contains(r.err.message, "twice.csv:3: model 'resnet50' again in configuration");
    tu_import_free(&r);
}

/* Every table in shared/data, whatever its release: each row a record or a reported skip. */
static void timm_every_shared_table(void **state)
{
    (void)state;
    const char *dir = getenv("FRM_SHARED_DATA");
    char pattern[1100];
    snprintf(pattern, sizeof pattern, "%s/timm/benchmark-infer-*.csv",
             dir ? dir : FRM_SOURCE_DIR "/../shared/data");
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        skip();
    tu_import r;
    tu_import_init(&r);
    r.im = NULL;
    frm_code rc = frmi_importer_new(&r.opts, tu_collect, &r.diags, &r.im, &r.err);
    size_t rows = 0;
    for (size_t i = 0; rc == FRM_OK && i < g.gl_pathc; i++) {
        rc = frmi_import_file(r.im, FRMI_IMPORT_TIMM, g.gl_pathv[i], &r.err);
        char *text = tu_read(g.gl_pathv[i]);
        assert_non_null(text);
        for (char *p = text; *p; p++)
            rows += *p == '\n';
        rows--;                    /* the header */
        free(text);
    }
    if (rc == FRM_OK)
        rc = frmi_importer_finish(r.im, &r.err);
    if (rc != FRM_OK)
        fail_msg("%s", r.err.message);
    assert_int_equal(frmi_importer_count(r.im) + frmi_importer_n_skipped(r.im), rows);
    globfree(&g);
    tu_import_free(&r);
}

/* --- Any CSV ----------------------------------------------------------------------- */

static void table_with_map_and_units(void **state)
{
    (void)state;
    const char *file = tu_write("phone.csv",
                                "net;p50_us;peak_kib;acc;threads\n"
                                "mobilenet_v2;12500;20480;71.8;4\n"
                                "resnet50;\"80000\";102400;80;4\n");
    tu_import r;
    tu_import_init(&r);
    r.opts.map[FRMI_FIELD_MODEL] = "net";
    r.opts.map[FRMI_FIELD_LATENCY] = "p50_us";
    r.opts.map[FRMI_FIELD_MEMORY] = "peak_kib";
    r.opts.map[FRMI_FIELD_ACCURACY] = "acc";
    r.opts.latency_to_ms = 1e-3;
    r.opts.memory_to_mb = 1024 / 1e6;
    r.opts.delimiter = ';';
    r.opts.device = "pixel6";
    r.opts.tier = FRM_TIER_EDGE;
    r.opts.framework = "tflite";
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, file, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 2);
    const frm_record *rec = find(&r, NULL, "mobilenetv2_100");
    assert_non_null(rec);
    assert_same(rec->latency_ms.median, 12.5);
    assert_close(rec->memory_mb.peak, 20.97152, 1e-15);
    assert_same(rec->accuracy_top1, 0.718);   /* a percentage, read as one */
    assert_same(rec->macs, 300774272);        /* from the zoo */
    assert_string_equal(rec->config_id, "pixel6/tflite/threads-4");
    assert_same(find(&r, NULL, "resnet50")->accuracy_top1, 0.8);
    tu_import_free(&r);

    /* 0.8 next to 71.8: 0.8% or 80%?  The file must say it one way. */
    const char *mixed = tu_write("mixed.csv", "model,latency,memory,accuracy\n"
                                              "mobilenet_v2,12.5,20,71.8\nresnet50,80,100,0.8\n");
    tu_import_init(&r);
    r.opts.device = "pixel6";
    r.opts.tier = FRM_TIER_EDGE;
    r.opts.framework = "tflite";
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, mixed, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "mixed.csv:3:4: accuracy 0.8 looks like a fraction, but line 2 "
                                   "(71.8) is a percentage");
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);

    tu_import_init(&r);
    r.opts.map[FRMI_FIELD_LATENCY] = "lat";
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, file, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "phone.csv:1: --map latency=lat: no column 'lat'");
    tu_import_free(&r);

    const char *unknown = tu_write("unknown.csv", "model,latency,memory,device,tier,framework\n"
                                                  "my_net,1,2,d,cpu,f\n");
    /* a model the zoo does not count keeps no MACs, and is counted as such */
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, unknown, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 1);
    assert_true(isnan(frmi_importer_record(r.im, 0)->macs));
    assert_int_equal(frmi_importer_n_without_macs(r.im), 1);
    tu_import_free(&r);
}

/* --- MACs from elsewhere (--macs FILE) ------------------------------------------- */

static void macs_tables(void **state)
{
    (void)state;
    frmi_aliases *a;
    frm_error err;
    assert_int_equal(frmi_aliases_new(&a, &err), FRM_OK);

    /* what `frm profile --format json` writes, two models, one at two sizes */
    const char *json = tu_write("profiles.json",
        "[{\"model\":\"my_net\",\"params\":1000,\"macs\":5e8,\"partial\":false,"
        "\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,224,224]}]},\n"
        " {\"model\":\"my_net\",\"params\":1000,\"macs\":7e8,"
        "\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,256,256]}]},\n"
        " {\"model\":\"mobilenet_v2\",\"macs\":3e8,"
        "\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,200,100]}]}]\n");
    frmi_macs_table *t;
    assert_int_equal(frmi_macs_table_load(json, a, &t, &err), FRM_OK);
    double params;
    assert_same(frmi_macs_lookup(t, "my_net", 224, &params), 5e8);
    assert_same(params, 1000);
    assert_same(frmi_macs_lookup(t, "my_net", 256, NULL), 7e8);
    /* a count holds at its own size only */
    assert_true(isnan(frmi_macs_lookup(t, "my_net", 300, NULL)));
    assert_true(isnan(frmi_macs_lookup(t, "my_net", 0, NULL)));
    /* a non-square input gives no size: the entry matches any, aliases apply */
    assert_same(frmi_macs_lookup(t, "mobilenetv2_100", 224, &params), 3e8);
    assert_true(isnan(params));
    assert_true(isnan(frmi_macs_lookup(t, "nothing", 224, NULL)));
    frmi_macs_table_free(t);

    const char *partial = tu_write("partial.json", "[{\"model\":\"m\",\"macs\":5,\"partial\":true}]");
    assert_int_equal(frmi_macs_table_load(partial, a, &t, &err), FRM_E_VALUE);
    assert_contains(err.message, "partial.json: entry 1: the profile of 'm' is partial");
    assert_null(t);

    const char *csv = tu_write("macs.csv", "model,macs,params,resolution\n"
                                           "my_net,5e8,1000,224\n"
                                           "other,1200000,,\n");
    assert_int_equal(frmi_macs_table_load(csv, a, &t, &err), FRM_OK);
    assert_same(frmi_macs_lookup(t, "my_net", 224, NULL), 5e8);
    assert_same(frmi_macs_lookup(t, "other", 640, &params), 1.2e6);
    assert_true(isnan(params));
    frmi_macs_table_free(t);

    const char *bad = tu_write("bad-macs.csv", "model,macs\nmy_net,lots\n");
    assert_int_equal(frmi_macs_table_load(bad, a, &t, &err), FRM_E_FIELD);
    assert_contains(err.message, "bad-macs.csv:2:2: 'lots' is not a positive count");
    const char *twice = tu_write("twice.csv", "model,macs\nmy_net,5\nmy_net,6\n");
    assert_int_equal(frmi_macs_table_load(twice, a, &t, &err), FRM_E_DUPLICATE);
    assert_contains(err.message, "twice.csv:3: model 'my_net' given 5 MACs before and 6 now");
    const char *headless = tu_write("headless.csv", "name,count\nx,5\n");
    assert_int_equal(frmi_macs_table_load(headless, a, &t, &err), FRM_E_FIELD);
    assert_contains(err.message, "headless.csv:1: no column 'model'");

    /* the join: a record of a model the zoo does not know takes the table's count */
    assert_int_equal(frmi_macs_table_load(csv, a, &t, &err), FRM_OK);
    const char *rows = tu_write("joined.csv", "model,latency,memory,device,tier,framework\n"
                                              "other,1,2,d,cpu,f\n");
    tu_import r;
    tu_import_init(&r);
    r.opts.macs_table = t;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, rows, NULL), FRM_OK);
    const frm_record *rec = frmi_importer_record(r.im, 0);
    assert_same(rec->macs, 1.2e6);
    assert_contains(rec->config_json, "\"macs_source\":\"--macs FILE\"");
    tu_import_free(&r);
    frmi_macs_table_free(t);
    frmi_aliases_free(a);
}

/* Rows that would give a record frm cannot read back are bad rows, named. */
static void rows_checked_before_writing(void **state)
{
    (void)state;
    static const struct {
        const char *row, *message;
    } cases[] = {
        {"resnet50,10,100,0.8,4089184256,0.7,1", "batch that is a whole number of at least 1"},
        {"res\xffnet,10,100,1,1e9,0.7,1", "the model name is not UTF-8 text"},
        {"res\x1b[2Jnet,10,100,1,1e9,0.7,1", "the model name has a control character"},
        {"models/,10,100,1,1e9,0.7,1", "record lacks the model's name"},
        {"resnet50,10,100,1,4089184256,0.7,1e308", "a number out of range"},
        {"resnet50,10,100,1,4089184256,170,1", "neither a fraction nor a percentage"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "model,latency,memory,batch,macs,accuracy,latency_mean\n%s\n",
                 cases[i].row);
        tu_import r;
        tu_import_init(&r);
        r.opts.device = "d";
        r.opts.tier = FRM_TIER_CPU;
        r.opts.framework = "f";
        r.opts.latency_to_ms = 1e3;   /* seconds: a mean of 1e308 s overflows */
        assert_int_equal(tu_import_files(&r, FRMI_IMPORT_CSV, tu_write("checked.csv", text), NULL),
                         FRM_E_FIELD);
        assert_contains(r.err.message, "checked.csv:2");
        assert_contains(r.err.message, cases[i].message);
        tu_import_free(&r);
    }
}

/* --- The command ------------------------------------------------------------------- */

static void command_writes_atomically(void **state)
{
    (void)state;
    const char *good = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-box.csv",
                                "model,infer_img_size,infer_step_time,infer_batch_size,"
                                "param_count,infer_gmacs,infer_macts\n"
                                "resnet50,224,32.78,1,25.56,4.11,11.11\n"
                                "mobilenetv2_100,224,6.591,1,3.5,0.31,6.68\n"
                                "resnet18,224,16.046,1,11.69,1.82,2.48\n"
                                "efficientnet_b0,224,10.662,1,5.29,0.4,6.75\n");
    const char *bad = tu_write("benchmark-infer-fp32-nchw-pt240-cpu-box2.csv",
                               "model,infer_img_size,infer_step_time,infer_batch_size,"
                               "param_count,infer_gmacs,infer_macts\nresnet50,224,-1,1,25.56,4.11,11.11\n");
    char out[1024];
    snprintf(out, sizeof out, "%s/out.jsonl", tu_tmpdir());
    tu_write("out.jsonl", "previous\n");
    tu_run r = tu_frm(NULL, NULL, "import", "timm", "-o", out, good, bad, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "box2.csv:2: infer_step_time is not positive");
    assert_contains(r.err, "nothing written");
    char *kept = tu_read(out);
    assert_string_equal(kept, "previous\n");
    free(kept);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "import", "timm", "-", "-", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "'-' (standard input) given twice");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "import", "timm", "-q", "-o", out, good, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    tu_run_free(&r);
    char *text = tu_read(out);
    assert_non_null(text);
    /* and what it wrote is a dataset frm reads */
    r = tu_frm(text, NULL, "score", "--format", "csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "box/pytorch/fp32/nchw/pt2.4.0,box,cpu,pytorch,mobilenetv2_100,");
    tu_run_free(&r);

    r = tu_frm(text, NULL, "analyze", "--section", "flops", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "FRM vs MACs");
    tu_run_free(&r);
    free(text);

    r = tu_frm(NULL, NULL, "import", "nope", good, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "unknown format 'nope'");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "import", "csv", "--map", "speed=x", good, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "unknown field 'speed'");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "import", "timm", "/nonexistent.csv", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "cannot open '/nonexistent.csv'");
    tu_run_free(&r);

    /* standard input, --skip-bad: the good file's rows survive, the bad row is counted */
    r = tu_frm("model,latency,memory,macs\nresnet50,10,100,4089184256\nresnet18,x,50,1\n", NULL,
               "import", "csv", "--skip-bad", "--device", "d", "--tier", "cpu", "--framework",
               "f", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"model\":\"resnet50\"");
    assert_contains(r.err, "-:3:2: latency (column 'latency'): 'x' is not a number");
    assert_contains(r.err, "1 row and 0 files skipped");
    tu_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_and_aliases),
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(timm_file_names_and_numbers),
        cmocka_unit_test(timm_size_policies),
        cmocka_unit_test(timm_accuracy_join),
        cmocka_unit_test(timm_errors),
        cmocka_unit_test(timm_shared_files),
        cmocka_unit_test(timm_alias_collisions),
        cmocka_unit_test(timm_every_shared_table),
        cmocka_unit_test(table_with_map_and_units),
        cmocka_unit_test(macs_tables),
        cmocka_unit_test(rows_checked_before_writing),
        cmocka_unit_test(command_writes_atomically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
