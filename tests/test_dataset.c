/*
 * tests/test_dataset.c - frm_dataset: loading, ids, rejected lines,
 * duplicates and conflicts.
 *
 * Every expected value is the one written on the line it came from (the
 * lines are built with tu_line, which prints numbers with %.17g, so they
 * read back exactly).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------- */

static void add_line(char *text, size_t size, const char *line)
{
    assert_true(strlen(text) + strlen(line) < size);
    strcat(text, line);
}

/* tu_line with another framework than its "onnxruntime". */
static const char *with_framework(const char *line, const char *framework)
{
    static char buf[2048];
    const char *at = strstr(line, "\"onnxruntime\"");
    assert_non_null(at);
    snprintf(buf, sizeof buf, "%.*s\"%s\"%s", (int)(at - line), line, framework,
             at + strlen("\"onnxruntime\""));
    return buf;
}

/* The entry for (config_id, model), failing the test when there is none. */
static const frm_entry *find(const frm_dataset *ds, const char *config_id, const char *model)
{
    for (size_t i = 0; i < frm_dataset_size(ds); i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        if (strcmp(e->config_id, config_id) == 0 && strcmp(e->model, model) == 0)
            return e;
    }
    fail_msg("no entry for model '%s' in '%s'", model, config_id);
    return NULL;
}

/* Asserts that `actual` is exactly the printf-formatted message. */
#define expect_message(actual, ...)                                                          \
    do {                                                                                     \
        char want_[FRM_ERROR_SIZE + 200];                                                    \
        snprintf(want_, sizeof want_, __VA_ARGS__);                                          \
        assert_string_equal((actual), want_);                                                \
    } while (0)

#define ERROR_LINE(model, config_id)                                                         \
    "{\"schema\":\"frm.record/1\",\"status\":\"error\",\"error\":\"CUDA out of memory\","  \
    "\"model\":\"" model "\",\"device\":\"rtx4090\",\"tier\":\"gpu\","                   \
    "\"framework\":\"onnxruntime\",\"config_id\":\"" config_id "\"}\n"

/* --- tests --------------------------------------------------------------- */

static void two_files_accumulate(void **state)
{
    (void)state;
    char a[8192] = "", b[8192] = "";
    /* config, device, tier, model, latency, batch, memory, macs, energy, accuracy */
    add_line(a, sizeof a, tu_line("gpu-cfg", "rtx4090", "gpu", "resnet50", 8.25, 1, 100.5,
                                  4.1e9, 2.5, 0.8037));
    add_line(a, sizeof a, tu_line("gpu-cfg", "rtx4090", "gpu", "mobilenet", 2.125, 1, 20,
                                  0.22e9, NAN, 0.752));
    add_line(a, sizeof a, tu_line("cpu-cfg", "ci-x86", "cpu", "resnet50", 41.3, 4, 180.5, 4.1e9,
                                  NAN, NAN));
    add_line(b, sizeof b, "\n");
    add_line(b, sizeof b, tu_line("edge-cfg", "pixel6", "edge", "vit_b_16", 120, 1, 330,
                                  17.5e9, 900, 0.811));
    add_line(b, sizeof b, tu_line("cpu-cfg", "ci-x86", "cpu", "mobilenet", 5, 4, 30, 0.22e9,
                                  NAN, NAN));
    const char *pa = tu_write("a.jsonl", a);
    const char *pb = tu_write("b.jsonl", b);

    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_size(ds), 0);
    assert_int_equal(frm_dataset_load(ds, pa, tu_collect, &d, &err), FRM_OK);
    assert_int_equal(frm_dataset_size(ds), 3);
    assert_int_equal(frm_dataset_load(ds, pb, tu_collect, &d, &err), FRM_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(frm_dataset_size(ds), 5);
    assert_int_equal(frm_dataset_n_error_records(ds), 0);
    assert_int_equal(frm_dataset_n_rejected(ds), 0);

    /* configurations numbered by first appearance: gpu-cfg, cpu-cfg, edge-cfg */
    assert_int_equal(frm_dataset_n_configs(ds), 3);
    const char *cfg_ids[] = {"gpu-cfg", "cpu-cfg", "edge-cfg"};
    const char *devices[] = {"rtx4090", "ci-x86", "pixel6"};
    const frm_tier tiers[] = {FRM_TIER_GPU, FRM_TIER_CPU, FRM_TIER_EDGE};
    for (size_t i = 0; i < 3; i++) {
        const frm_config *c = frm_dataset_config(ds, i);
        assert_non_null(c);
        assert_string_equal(c->config_id, cfg_ids[i]);
        assert_string_equal(c->device, devices[i]);
        assert_string_equal(c->framework, "onnxruntime");
        assert_int_equal(c->tier, tiers[i]);
    }
    assert_null(frm_dataset_config(ds, 3));

    /* models likewise: resnet50, mobilenet, vit_b_16 */
    assert_int_equal(frm_dataset_n_models(ds), 3);
    assert_string_equal(frm_dataset_model_name(ds, 0), "resnet50");
    assert_string_equal(frm_dataset_model_name(ds, 1), "mobilenet");
    assert_string_equal(frm_dataset_model_name(ds, 2), "vit_b_16");
    assert_null(frm_dataset_model_name(ds, 3));

    assert_string_equal(frm_dataset_file(ds, 0), pa);
    assert_string_equal(frm_dataset_file(ds, 1), pb);
    assert_null(frm_dataset_file(ds, 2));

    /* entries in the order read, each with what its line said */
    static const struct {
        const char *model, *config;
        uint32_t model_id, config_index, file_index;
        uint64_t line;
        double latency, batch, memory, macs, energy, accuracy;
    } want[] = {
        {"resnet50", "gpu-cfg", 0, 0, 0, 1, 8.25, 1, 100.5, 4.1e9, 2.5, 0.8037},
        {"mobilenet", "gpu-cfg", 1, 0, 0, 2, 2.125, 1, 20, 0.22e9, NAN, 0.752},
        {"resnet50", "cpu-cfg", 0, 1, 0, 3, 41.3, 4, 180.5, 4.1e9, NAN, NAN},
        {"vit_b_16", "edge-cfg", 2, 2, 1, 2, 120, 1, 330, 17.5e9, 900, 0.811},
        {"mobilenet", "cpu-cfg", 1, 1, 1, 3, 5, 4, 30, 0.22e9, NAN, NAN},
    };
    for (size_t i = 0; i < 5; i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        assert_non_null(e);
        assert_string_equal(e->model, want[i].model);
        assert_string_equal(e->config_id, want[i].config);
        assert_int_equal(e->model_id, want[i].model_id);
        assert_int_equal(e->config_index, want[i].config_index);
        assert_int_equal(e->file_index, want[i].file_index);
        assert_int_equal(e->line, want[i].line);
        assert_same(e->latency_ms, want[i].latency);
        assert_same(e->batch, want[i].batch);
        assert_same(e->memory_mb, want[i].memory);
        assert_same(e->macs, want[i].macs);
        assert_same(e->energy_mj, want[i].energy);
        assert_same(e->accuracy_top1, want[i].accuracy);
        /* tu_line writes no flops or params */
        assert_true(isnan(e->flops) && isnan(e->params));
    }
    assert_null(frm_dataset_entry(ds, 5));
    /* names are interned: one copy of "resnet50" serves every entry */
    assert_ptr_equal(frm_dataset_entry(ds, 0)->model, frm_dataset_entry(ds, 2)->model);
    assert_ptr_equal(frm_dataset_entry(ds, 0)->model, frm_dataset_model_name(ds, 0));
    assert_ptr_equal(frm_dataset_entry(ds, 2)->config_id, frm_dataset_config(ds, 1)->config_id);
    frm_dataset_free(ds);
}

static void error_records_are_counted(void **state)
{
    (void)state;
    char text[8192] = "";
    add_line(text, sizeof text, tu_line("c", "rtx4090", "gpu", "a", 1, 1, 2, 3, NAN, NAN));
    add_line(text, sizeof text, ERROR_LINE("huge", "c"));
    /* an error record for a configuration with no ok record creates nothing */
    add_line(text, sizeof text, ERROR_LINE("a", "other"));
    add_line(text, sizeof text, tu_line("c", "rtx4090", "gpu", "b", 4, 1, 5, 6, NAN, NAN));
    /* an error record for a (config, model) already measured is no duplicate */
    add_line(text, sizeof text, ERROR_LINE("a", "c"));

    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, tu_write("errors.jsonl", text), tu_collect, &d, &err),
                     FRM_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(frm_dataset_n_error_records(ds), 3);
    assert_int_equal(frm_dataset_n_rejected(ds), 0);
    assert_int_equal(frm_dataset_size(ds), 2);
    assert_int_equal(frm_dataset_n_configs(ds), 1);
    /* "huge" only failed, so it has no id: a is 0, b is 1 */
    assert_int_equal(frm_dataset_n_models(ds), 2);
    const frm_entry *b = find(ds, "c", "b");
    assert_int_equal(b->model_id, 1);
    assert_int_equal(b->line, 4);
    assert_same(b->latency_ms, 4.0);
    assert_same(find(ds, "c", "a")->latency_ms, 1.0);
    frm_dataset_free(ds);
}

static void bad_lines_keep_the_good_ones(void **state)
{
    (void)state;
    char text[8192] = "";
    add_line(text, sizeof text, tu_line("c", "d", "cpu", "a", 1, 1, 2, 3, NAN, NAN));
    add_line(text, sizeof text, "{\"schema\":\"frm.record/1\",\n");
    add_line(text, sizeof text, tu_line("c", "d", "cpu", "b", 4, 1, 5, 6, NAN, NAN));
    add_line(text, sizeof text, tu_line("c", "d", "cpu", "pct", 4, 1, 5, 6, NAN, 76.1));
    add_line(text, sizeof text, tu_line("c", "d", "cpu", "e", 7, 1, 8, 9, NAN, NAN));
    const char *path = tu_write("some-bad.jsonl", text);

    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    /* syntax error first, field error second: the first kind is returned */
    assert_int_equal(frm_dataset_load(ds, path, tu_collect, &d, &err), FRM_E_SYNTAX);
    assert_int_equal(err.code, FRM_E_SYNTAX);
    expect_message(err.message, "%s: 2 bad records", path);
    assert_int_equal(d.n, 2);
    char where[4200];
    snprintf(where, sizeof where, "%s:2:", path);
    assert_int_equal(strncmp(d.message[0], where, strlen(where)), 0);
    assert_contains(d.message[0], "malformed JSON");
    expect_message(d.message[1], "%s:4: field 'accuracy_top1': expected a fraction in [0, 1], "
                                 "found 76.1 (a percentage? divide by 100)", path);
    assert_int_equal(frm_dataset_n_rejected(ds), 2);

    /* lines 1, 3 and 5 are kept, with their values */
    assert_int_equal(frm_dataset_size(ds), 3);
    assert_int_equal(find(ds, "c", "a")->line, 1);
    assert_int_equal(find(ds, "c", "b")->line, 3);
    assert_int_equal(find(ds, "c", "e")->line, 5);
    assert_same(find(ds, "c", "e")->memory_mb, 8.0);
    assert_int_equal(frm_dataset_n_models(ds), 3);

    /* the other order gives FRM_E_FIELD; without a diag callback the
     * rejected lines are still counted */
    char text2[8192] = "";
    add_line(text2, sizeof text2, tu_line("c2", "d", "cpu", "a", 1, 0.5, 2, 3, NAN, NAN));
    add_line(text2, sizeof text2, "not json\n");
    add_line(text2, sizeof text2, tu_line("c2", "d", "cpu", "b", 1, 1, 2, 3, NAN, NAN));
    const char *path2 = tu_write("field-first.jsonl", text2);
    assert_int_equal(frm_dataset_load(ds, path2, NULL, NULL, &err), FRM_E_FIELD);
    expect_message(err.message, "%s: 2 bad records", path2);
    assert_int_equal(frm_dataset_n_rejected(ds), 4);
    assert_int_equal(frm_dataset_size(ds), 4);
    assert_int_equal(find(ds, "c2", "b")->file_index, 1);
    frm_dataset_free(ds);
}

static void duplicates_are_errors(void **state)
{
    (void)state;
    char a[8192] = "", b[8192] = "";
    add_line(a, sizeof a, tu_line("c", "d", "gpu", "m", 8, 1, 100, 4, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d", "gpu", "n", 2, 1, 50, 2, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d", "gpu", "m", 9, 1, 90, 4, NAN, NAN));
    /* the same model in another configuration is no duplicate */
    add_line(a, sizeof a, tu_line("c-other", "d", "gpu", "m", 7, 1, 100, 4, NAN, NAN));
    add_line(b, sizeof b, tu_line("c", "d", "gpu", "n", 3, 1, 60, 2, NAN, NAN));
    const char *pa = tu_write("dup-a.jsonl", a);
    const char *pb = tu_write("dup-b.jsonl", b);

    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, pa, tu_collect, &d, &err), FRM_E_DUPLICATE);
    expect_message(err.message, "%s: 1 bad record", pa);
    assert_int_equal(d.n, 1);
    char want[FRM_ERROR_SIZE];
    snprintf(want, sizeof want,
             "%s:3: duplicate record for model 'm' in configuration 'c' (first at %s:1)", pa, pa);
    assert_string_equal(d.message[0], want);
    /* the first stays */
    assert_int_equal(frm_dataset_size(ds), 3);
    assert_same(find(ds, "c", "m")->latency_ms, 8.0);
    assert_int_equal(find(ds, "c", "m")->line, 1);

    /* across files, both places are named with their own file */
    assert_int_equal(frm_dataset_load(ds, pb, tu_collect, &d, &err), FRM_E_DUPLICATE);
    assert_int_equal(d.n, 2);
    snprintf(want, sizeof want,
             "%s:1: duplicate record for model 'n' in configuration 'c' (first at %s:2)", pb, pa);
    assert_string_equal(d.message[1], want);
    assert_same(find(ds, "c", "n")->latency_ms, 2.0);
    assert_int_equal(frm_dataset_size(ds), 3);
    assert_int_equal(frm_dataset_n_rejected(ds), 2);

    /* loading a file twice duplicates every record of it */
    assert_int_equal(frm_dataset_load(ds, pb, tu_collect, &d, &err), FRM_E_DUPLICATE);
    assert_int_equal(frm_dataset_size(ds), 3);
    frm_dataset_free(ds);
}

/* Loads the same two files with `mode`; returns the dataset. */
static frm_dataset *load_dedupe(frm_dedupe mode, const char **pa, const char **pb)
{
    char a[8192] = "", b[8192] = "";
    add_line(a, sizeof a, tu_line("c", "d", "cpu", "m", 8, 1, 100, 4, 1.5, 0.5));
    add_line(a, sizeof a, tu_line("c", "d", "cpu", "x", 1, 1, 10, 1, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d", "cpu", "m", 8.5, 1, 95, 4, 1.25, 0.5));
    add_line(b, sizeof b, "\n");
    add_line(b, sizeof b, tu_line("c", "d", "cpu", "m", 9, 2, 50, 4, NAN, 0.25));
    *pa = tu_write("dd-a.jsonl", a);
    *pb = tu_write("dd-b.jsonl", b);
    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, mode, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, *pa, tu_collect, &d, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, *pb, tu_collect, &d, &err), FRM_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(frm_dataset_n_rejected(ds), 0);
    assert_int_equal(frm_dataset_size(ds), 2);
    assert_int_equal(frm_dataset_n_models(ds), 2);
    return ds;
}

static void dedupe_first_and_last(void **state)
{
    (void)state;
    const char *pa, *pb;
    frm_dataset *ds = load_dedupe(FRM_DEDUPE_FIRST, &pa, &pb);
    /* first: a.jsonl line 1 */
    const frm_entry *m = frm_dataset_entry(ds, 0);
    assert_string_equal(m->model, "m");
    assert_same(m->latency_ms, 8.0);
    assert_same(m->memory_mb, 100.0);
    assert_same(m->energy_mj, 1.5);
    assert_same(m->batch, 1.0);
    assert_int_equal(m->file_index, 0);
    assert_int_equal(m->line, 1);
    frm_dataset_free(ds);

    ds = load_dedupe(FRM_DEDUPE_LAST, &pa, &pb);
    /* last: b.jsonl line 2, replacing the entry in place (still entry 0, model id 0) */
    m = frm_dataset_entry(ds, 0);
    assert_string_equal(m->model, "m");
    assert_int_equal(m->model_id, 0);
    assert_same(m->latency_ms, 9.0);
    assert_same(m->memory_mb, 50.0);
    assert_same(m->batch, 2.0);
    assert_true(isnan(m->energy_mj));
    assert_same(m->accuracy_top1, 0.25);
    assert_int_equal(m->file_index, 1);
    assert_string_equal(frm_dataset_file(ds, m->file_index), pb);
    assert_int_equal(m->line, 2);
    /* the other entry is untouched */
    assert_string_equal(frm_dataset_entry(ds, 1)->model, "x");
    assert_same(frm_dataset_entry(ds, 1)->latency_ms, 1.0);
    frm_dataset_free(ds);
}

static void conflicts_name_both_places(void **state)
{
    (void)state;
    char a[8192] = "", b[8192] = "";
    add_line(a, sizeof a, tu_line("c", "d1", "gpu", "m1", 1, 1, 1, 1, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d2", "gpu", "m2", 1, 1, 1, 1, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d1", "cpu", "m3", 1, 1, 1, 1, NAN, NAN));
    add_line(a, sizeof a,
             with_framework(tu_line("c", "d1", "gpu", "m4", 1, 1, 1, 1, NAN, NAN), "tflite"));
    /* a duplicate after the conflicts: met while reading, before they are settled */
    add_line(a, sizeof a, tu_line("c", "d1", "gpu", "m1", 2, 1, 1, 1, NAN, NAN));
    add_line(a, sizeof a, tu_line("c", "d1", "gpu", "m5", 5, 1, 1, 1, NAN, NAN));
    add_line(b, sizeof b, tu_line("c", "d3", "gpu", "m6", 1, 1, 1, 1, NAN, NAN));
    const char *pa = tu_write("conflict-a.jsonl", a);
    const char *pb = tu_write("conflict-b.jsonl", b);

    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, pa, tu_collect, &d, &err), FRM_E_DUPLICATE);
    expect_message(err.message, "%s: 4 bad records", pa);
    assert_int_equal(d.n, 4);
    /* the duplicate is met while reading; the disputes are settled at the end */
    assert_contains(d.message[0], "duplicate record for model 'm1'");
    char want[FRM_ERROR_SIZE];
    snprintf(want, sizeof want, "%s:2: configuration 'c' has device 'd2' here but 'd1' in 2 of "
             "its 5 records: this record is left out", pa);
    assert_string_equal(d.message[1], want);
    snprintf(want, sizeof want, "%s:3: configuration 'c' has tier 'cpu' here but 'gpu' in 2 of "
             "its 5 records: this record is left out", pa);
    assert_string_equal(d.message[2], want);
    snprintf(want, sizeof want, "%s:4: configuration 'c' has framework 'tflite' here but "
             "'onnxruntime' in 2 of its 5 records: this record is left out", pa);
    assert_string_equal(d.message[3], want);

    snprintf(want, sizeof want, "%s:1: configuration 'c' has device 'd3' here but 'd1' in 2 of "
             "its 3 records: this record is left out", pb);
    assert_int_equal(frm_dataset_load(ds, pb, tu_collect, &d, &err), FRM_E_CONFLICT);
    assert_int_equal(d.n, 5);
    assert_string_equal(d.message[4], want);

    /* only m1 and m5 are kept; the rejected models got no ids */
    assert_int_equal(frm_dataset_size(ds), 2);
    assert_int_equal(frm_dataset_n_models(ds), 2);
    assert_string_equal(frm_dataset_model_name(ds, 1), "m5");
    assert_same(find(ds, "c", "m1")->latency_ms, 1.0);
    assert_int_equal(frm_dataset_n_configs(ds), 1);
    const frm_config *c = frm_dataset_config(ds, 0);
    assert_string_equal(c->device, "d1");
    assert_string_equal(c->framework, "onnxruntime");
    assert_int_equal(c->tier, FRM_TIER_GPU);
    assert_int_equal(frm_dataset_n_rejected(ds), 5);
    frm_dataset_free(ds);
}

/*
 * One record of a configuration says gpu, twelve say cpu: the twelve are
 * kept and the one rejected, though it came first (it would otherwise
 * take the configuration's baseline with it).
 */
static void conflicts_keep_the_majority(void **state)
{
    (void)state;
    char a[16384] = "";
    add_line(a, sizeof a, tu_line("c", "d", "gpu", "odd", 1, 1, 1, 1, NAN, NAN));
    char name[16];
    for (int i = 0; i < 11; i++) {
        snprintf(name, sizeof name, "m%d", i);
        add_line(a, sizeof a, tu_line("c", "d", "cpu", name, 2, 1, 1, 1, NAN, NAN));
    }
    add_line(a, sizeof a, tu_line("c", "d", "cpu", "resnet50", 4, 1, 1, 1, NAN, NAN));
    add_line(a, sizeof a, tu_line("other", "d", "gpu", "resnet50", 4, 1, 1, 1, NAN, NAN));
    const char *pa = tu_write("majority.jsonl", a);
    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, pa, tu_collect, &d, &err), FRM_E_CONFLICT);
    expect_message(err.message, "%s: 1 bad record", pa);
    assert_int_equal(d.n, 1);
    char want[FRM_ERROR_SIZE];
    snprintf(want, sizeof want, "%s:1: configuration 'c' has tier 'gpu' here but 'cpu' in 12 of "
             "its 13 records: this record is left out", pa);
    assert_string_equal(d.message[0], want);
    assert_int_equal(frm_dataset_size(ds), 13);
    for (size_t i = 0; i < frm_dataset_size(ds); i++)
        assert_string_not_equal(frm_dataset_entry(ds, i)->model, "odd");
    assert_same(find(ds, "c", "resnet50")->latency_ms, 4.0);
    assert_same(find(ds, "other", "resnet50")->latency_ms, 4.0);
    const frm_config *c = frm_dataset_config(ds, 0);
    assert_string_equal(c->config_id, "c");
    assert_int_equal(c->tier, FRM_TIER_CPU);
    /* every kept entry is found by its key after the reshuffle */
    for (size_t i = 0; i < frm_dataset_size(ds); i++) {
        const frm_entry *e = frm_dataset_entry(ds, i);
        assert_ptr_equal(find(ds, e->config_id, e->model), e);
    }
    frm_dataset_free(ds);
}

static void missing_file(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/not-there.jsonl", tu_tmpdir());
    frm_dataset *ds;
    frm_error err;
    tu_diags d = {0};
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(ds, path, tu_collect, &d, &err), FRM_E_IO);
    assert_int_equal(err.code, FRM_E_IO);
    expect_message(err.message, "cannot open '%s': No such file or directory", path);
    /* nothing was added, not even the file name; no line was rejected */
    assert_int_equal(d.n, 0);
    assert_int_equal(frm_dataset_size(ds), 0);
    assert_int_equal(frm_dataset_n_rejected(ds), 0);
    assert_null(frm_dataset_file(ds, 0));
    frm_dataset_free(ds);
    frm_dataset_free(NULL);
}

static void add_a_record_directly(void **state)
{
    (void)state;
    frm_dataset *ds;
    frm_error err;
    assert_int_equal(frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err), FRM_OK);

    /* names in buffers the test overwrites afterwards: the dataset must copy */
    char model[32] = "resnet50", config_id[32] = "a100/trt/fp16/b16";
    frm_record r;
    frm_record_init(&r);
    r.model = model;
    r.config_id = config_id;
    r.device = "a100";
    r.tier = FRM_TIER_GPU;
    r.framework = "tensorrt";
    r.batch = 16;
    r.latency_ms.median = 3.5;
    r.memory_mb.peak = 512.25;
    r.energy_mj = 40.125;
    r.macs = 4.1e9;
    r.flops = 8.2e9;
    r.params = 25557032;
    r.accuracy_top1 = 0.8037;
    assert_int_equal(frm_dataset_add(ds, &r, "import.csv", 7, &err), FRM_OK);
    strcpy(model, "overwritten");
    strcpy(config_id, "overwritten");

    assert_int_equal(frm_dataset_size(ds), 1);
    const frm_entry *e = frm_dataset_entry(ds, 0);
    assert_string_equal(e->model, "resnet50");
    assert_string_equal(e->config_id, "a100/trt/fp16/b16");
    assert_int_equal(e->model_id, 0);
    assert_int_equal(e->config_index, 0);
    assert_same(e->latency_ms, 3.5);
    assert_same(e->batch, 16.0);
    assert_same(e->memory_mb, 512.25);
    assert_same(e->energy_mj, 40.125);
    assert_same(e->macs, 4.1e9);
    assert_same(e->flops, 8.2e9);
    assert_same(e->params, 25557032.0);
    assert_same(e->accuracy_top1, 0.8037);
    assert_int_equal(e->line, 7);
    assert_string_equal(frm_dataset_file(ds, e->file_index), "import.csv");
    uint32_t import_index = e->file_index;     /* e is not valid once the dataset changes */
    const frm_config *c = frm_dataset_config(ds, 0);
    assert_string_equal(c->device, "a100");
    assert_string_equal(c->framework, "tensorrt");
    assert_int_equal(c->tier, FRM_TIER_GPU);

    /* an ok record without a device (or tier) is refused, naming the place */
    frm_record bad = r;
    bad.model = "vit";
    bad.config_id = "a100/trt/fp16/b16";
    bad.device = NULL;
    assert_int_equal(frm_dataset_add(ds, &bad, "import.csv", 8, &err), FRM_E_FIELD);
    assert_string_equal(err.message, "import.csv:8: record lacks model, config_id, device, "
                                     "framework or tier");
    bad.device = "a100";
    bad.tier = FRM_TIER_UNKNOWN;
    assert_int_equal(frm_dataset_add(ds, &bad, "import.csv", 9, &err), FRM_E_FIELD);
    assert_int_equal(frm_dataset_size(ds), 1);
    assert_int_equal(frm_dataset_n_models(ds), 1);

    /* an error record is counted, not kept */
    frm_record failed;
    frm_record_init(&failed);
    failed.ok = false;
    failed.error = "engine build failed";
    failed.model = "vit";
    assert_int_equal(frm_dataset_add(ds, &failed, "import.csv", 10, &err), FRM_OK);
    assert_int_equal(frm_dataset_n_error_records(ds), 1);
    assert_int_equal(frm_dataset_size(ds), 1);

    /* the same checks as for loaded records: a duplicate names both places */
    r.model = "resnet50";
    r.config_id = "a100/trt/fp16/b16";
    assert_int_equal(frm_dataset_add(ds, &r, "other.csv", 3, &err), FRM_E_DUPLICATE);
    assert_string_equal(err.message, "other.csv:3: duplicate record for model 'resnet50' in "
                                     "configuration 'a100/trt/fp16/b16' (first at import.csv:7)");
    /* and a conflicting device too */
    r.model = "vit";
    r.device = "h100";
    assert_int_equal(frm_dataset_add(ds, &r, "import.csv", 11, &err), FRM_E_CONFLICT);
    assert_string_equal(err.message, "import.csv:11: configuration 'a100/trt/fp16/b16' has "
                                     "device 'h100' here but 'a100' at import.csv:7");
    assert_int_equal(frm_dataset_size(ds), 1);

    /* a second record from the same source shares its file index */
    r.device = "a100";
    assert_int_equal(frm_dataset_add(ds, &r, "import.csv", 12, &err), FRM_OK);
    assert_int_equal(frm_dataset_size(ds), 2);
    assert_int_equal(frm_dataset_entry(ds, 1)->file_index, import_index);
    assert_int_equal(frm_dataset_entry(ds, 1)->model_id, 1);
    frm_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_files_accumulate),
        cmocka_unit_test(error_records_are_counted),
        cmocka_unit_test(bad_lines_keep_the_good_ones),
        cmocka_unit_test(duplicates_are_errors),
        cmocka_unit_test(dedupe_first_and_last),
        cmocka_unit_test(conflicts_name_both_places),
        cmocka_unit_test(conflicts_keep_the_majority),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(add_a_record_directly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
