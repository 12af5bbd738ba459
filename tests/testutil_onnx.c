/*
 * tests/testutil_onnx.c - building, writing and profiling ONNX models in
 * the tests, and assertions on the profiles.
 */
#include "testutil_onnx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- files --------------------------------------------------------------- */

const char *tu_join(const char *dir, const char *name)
{
    static char bufs[8][4200];
    static size_t n;
    char path[sizeof bufs[0]];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *p = bufs[n++ % 8];
    memcpy(p, path, sizeof path);
    return p;
}

const char *tu_path(const char *name)
{
    return tu_join(tu_tmpdir(), name);
}

const char *tu_subdir(const char *name)
{
    static char dirs[32][4200];
    static size_t n;
    char *d = dirs[n++ % 32];
    snprintf(d, sizeof dirs[0], "%s/%s", tu_tmpdir(), name);
    assert_int_equal(mkdir(d, 0777), 0);
    return d;
}

uint8_t *tu_read_bytes(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    uint8_t *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* --- building models ------------------------------------------------------ */

frmi_onnx_builder *tu_model(int64_t opset)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("g", opset);
    assert_non_null(b);
    return b;
}

void tu_input(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    frmi_onnx_input(b, name, T_FLOAT, rank, dims, NULL);
}

void tu_output(frmi_onnx_builder *b, const char *name)
{
    frmi_onnx_output(b, name, T_FLOAT, -1, NULL, NULL);
}

/* Up to 16 space-separated tensor names; "-" stands for "" (omitted). */
typedef struct names {
    char buf[512];
    const char *v[16];
    int n;
} names;

static void split_names(names *s, const char *text)
{
    s->n = 0;
    snprintf(s->buf, sizeof s->buf, "%s", text);
    for (char *t = strtok(s->buf, " "); t && s->n < 16; t = strtok(NULL, " "))
        s->v[s->n++] = strcmp(t, "-") == 0 ? "" : t;
}

frmi_onnx_node *tu_node(frmi_onnx_builder *b, const char *op, const char *ins, const char *outs)
{
    names in, out;
    split_names(&in, ins);
    split_names(&out, outs);
    assert_true(out.n > 0);
    frmi_onnx_node *n = frmi_onnx_node_add(b, op, out.v[0], in.n, in.v, out.n, out.v);
    assert_non_null(n);
    for (int k = 0; k < out.n; k++)
        tu_output(b, out.v[k]);
    return n;
}

frmi_onnx_node *tu_node_named(frmi_onnx_builder *b, const char *op, const char *name,
                              const char *ins, const char *outs)
{
    names in, out;
    split_names(&in, ins);
    split_names(&out, outs);
    frmi_onnx_node *n = frmi_onnx_node_add(b, op, name, in.n, in.v, out.n, out.v);
    assert_non_null(n);
    return n;
}

/* --- writing and profiling ------------------------------------------------- */

const char *tu_write_model(frmi_onnx_builder *b, const char *path,
                           const frmi_onnx_write_options *wo)
{
    frm_error err;
    frm_code rc = frmi_onnx_write(b, path, wo, &err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK)
        fail_msg("write %s: %s", path, err.message);
    return path;
}

const char *tu_save(frmi_onnx_builder *b, const char *file)
{
    static int count;
    char fresh[64];
    if (!file) {
        snprintf(fresh, sizeof fresh, "model%d.onnx", ++count);
        file = fresh;
    }
    return tu_write_model(b, tu_path(file), NULL);
}

frm_profile *tu_profile_file(const char *path, const frm_profile_options *opt)
{
    frm_error err;
    frm_profile *p = NULL;
    frm_code rc = frm_profile_file(path, opt, &p, &err);
    if (rc != FRM_OK)
        fail_msg("profile %s: %s", path, err.message);
    assert_non_null(p);
    return p;
}

frm_profile *tu_profile_batch(frmi_onnx_builder *b, const char *file, int64_t batch)
{
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    opt.batch = batch;
    return tu_profile_file(tu_save(b, file), &opt);
}

frm_profile *tu_profile(frmi_onnx_builder *b, const char *file)
{
    return tu_profile_batch(b, file, 1);
}

/* --- looking into a profile ------------------------------------------------ */

/* Why node `name` is unknown; NULL when it is not listed unknown. */
static const char *reason_of(const frm_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_unknown; i++)
        if (strcmp(p->unknown[i].name, name) == 0)
            return p->unknown[i].reason;
    return NULL;
}

/* Node `name`; fails the test at file:line when there is none. */
static const frm_node_profile *node_at(const frm_profile *p, const char *name, const char *file,
                                       int line)
{
    for (size_t i = 0; i < p->n_nodes; i++)
        if (p->nodes[i].name && strcmp(p->nodes[i].name, name) == 0)
            return &p->nodes[i];
    print_error("%s:%d: no node '%s'\n", file, line, name);
    _fail(file, line);
    return NULL;
}

/* Graph output `name`; fails the test at file:line when there is none. */
static const frm_tensor_shape *output_at(const frm_profile *p, const char *name,
                                         const char *file, int line)
{
    for (size_t i = 0; i < p->n_outputs; i++)
        if (strcmp(p->outputs[i].name, name) == 0)
            return &p->outputs[i];
    print_error("%s:%d: no graph output '%s'\n", file, line, name);
    _fail(file, line);
    return NULL;
}

const frm_node_profile *tu_find_node(const frm_profile *p, const char *name)
{
    return node_at(p, name, __FILE__, __LINE__);
}

const frm_op_total *tu_find_op(const frm_profile *p, const char *op)
{
    for (size_t i = 0; i < p->n_ops; i++)
        if (strcmp(p->ops[i].op, op) == 0)
            return &p->ops[i];
    fail_msg("no op '%s'", op);
    return NULL;
}

/* --- assertions ---------------------------------------------------------------- */

static void print_shape(const char *label, int type, int rank, const int64_t *dims)
{
    print_error("%s type %d rank %d [", label, type, rank);
    for (int k = 0; k < rank; k++)
        print_error("%s%lld", k ? "," : "", (long long)dims[k]);
    print_error("]\n");
}

void tu_assert_shape(const frm_tensor_shape *t, int type, int rank, const int64_t *dims,
                     const char *what, const char *file, int line)
{
    int ok = t->rank == rank && (type == T_ANY || t->elem_type == type);
    for (int k = 0; ok && k < rank; k++)
        ok = t->dims[k] == dims[k];
    if (ok)
        return;
    print_error("%s:%d: %s:\n", file, line, what);
    print_shape("  got     ", t->elem_type, t->rank, t->dims);
    print_shape("  expected", type, rank, dims);
    _fail(file, line);
}

void tu_expect_node(const frm_profile *p, const char *name, int type, int rank,
                    const int64_t *dims, const char *file, int line)
{
    const frm_node_profile *n = node_at(p, name, file, line);
    if (!n->known) {
        const char *why = reason_of(p, name);
        print_error("%s:%d: node %s unknown: %s\n", file, line, name, why ? why : "?");
        _fail(file, line);
    }
    tu_assert_shape(&n->output, type, rank, dims, name, file, line);
}

void tu_expect_output(const frm_profile *p, const char *name, int type, int rank,
                      const int64_t *dims, const char *file, int line)
{
    tu_assert_shape(output_at(p, name, file, line), type, rank, dims, name, file, line);
}

void tu_expect_unknown(const frm_profile *p, const char *name, const char *text,
                       const char *file, int line)
{
    const frm_node_profile *n = node_at(p, name, file, line);
    const char *why = reason_of(p, name);
    if (n->known || !why) {
        print_error("%s:%d: node %s is not listed unknown\n", file, line, name);
        _fail(file, line);
        return;
    }
    tu_assert_contains(why, text, file, line);
    if (!p->partial) {
        print_error("%s:%d: node %s is unknown but the profile is not partial\n", file, line,
                    name);
        _fail(file, line);
    }
}

const char *tu_matmul_relu_model(const char *name, int64_t width)
{
    frmi_onnx_builder *b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, 2, DIMS(-1, width), NULL);
    float *w = frmi_onnx_initializer_f32_fill(b, "w", 2, DIMS(width, width));
    for (int64_t i = 0; w && i < width * width; i++)
        w[i] = (float)((i % 7) - 3) / 32.0f;
    tu_node_named(b, "MatMul", "mm", "x w", "h");
    tu_node(b, "Relu", "h", "y");
    char file[128];
    snprintf(file, sizeof file, "%s.onnx", name);
    return tu_save(b, file);
}
