/*
 * tests/test_onnx_writer.c - the ONNX model builder and writer.
 *
 * Models are read back with protobuf-c's own unpacker and checked field by
 * field: opsets, names, shapes (symbolic dims included), every attribute
 * type and value, initializer bytes.  Files are checked for atomicity (no
 * temporary left, nothing written after a failure) and external data for
 * its exact offsets, lengths and bytes.  When a Python with the onnx
 * package is at hand, onnx.checker (full check, shape inference included)
 * must accept what the writer writes.
 */
#include "testutil_onnx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "onnx/onnx.pb-c.h"

#define FLOAT ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define INT64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64

/* --- helpers ------------------------------------------------------------- */

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries in a folder, "." and ".." aside. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Serializes b and unpacks the bytes; the caller frees both. */
static Onnx__ModelProto *round_trip(frmi_onnx_builder *b, uint8_t **bytes, size_t *len)
{
    frm_error err;
    assert_int_equal(frmi_onnx_serialize(b, bytes, len, &err), FRM_OK);
    assert_non_null(*bytes);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, *len, *bytes);
    assert_non_null(m);
    return m;
}

static const Onnx__TensorProto *find_init(const Onnx__ModelProto *m, const char *name)
{
    for (size_t i = 0; i < m->graph->n_initializer; i++)
        if (strcmp(m->graph->initializer[i]->name, name) == 0)
            return m->graph->initializer[i];
    fail_msg("no initializer '%s'", name);
    return NULL;
}

static const Onnx__AttributeProto *find_attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    fail_msg("node '%s' has no attribute '%s'", n->op_type, name);
    return NULL;
}

/* The value of external_data entry `key` of t, NULL when absent. */
static const char *ext_entry(const Onnx__TensorProto *t, const char *key)
{
    for (size_t i = 0; i < t->n_external_data; i++)
        if (strcmp(t->external_data[i]->key, key) == 0)
            return t->external_data[i]->value;
    return NULL;
}

/* Weights that are exact in float: multiples of 1/8 between -1 and 1. */
static float weight(size_t i)
{
    return (float)((int)(i % 17) - 8) * 0.125f;
}

/* Sum of weight(0..n-1), times 8. */
static long weight_sum8(size_t n)
{
    long s = 0;
    for (size_t i = 0; i < n; i++)
        s += (long)(i % 17) - 8;
    return s;
}

/*
 * A small classifier: Conv(3->4, 3x3, pad 1) + Relu + GlobalAveragePool +
 * Flatten + Gemm(4->10), batch symbolic, all shapes consistent so that
 * ONNX's strict shape inference agrees with the declared output.
 */
static frmi_onnx_builder *build_cnn(void)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("cnn", 17);
    assert_non_null(b);
    frmi_onnx_set_producer(b, "frm-test", "1.0");
    const int64_t x_dims[] = {-1, 3, 8, 8}, y_dims[] = {-1, 10};
    frmi_onnx_input(b, "x", FLOAT, 4, x_dims, NULL);
    frmi_onnx_output(b, "y", FLOAT, 2, y_dims, NULL);

    const int64_t w_dims[] = {4, 3, 3, 3}, cb_dims[] = {4};
    float *w = frmi_onnx_initializer_f32_fill(b, "conv.w", 4, w_dims);
    assert_non_null(w);
    for (size_t i = 0; i < 108; i++)
        w[i] = weight(i);
    const float cb[] = {0.5f, -0.25f, 0.0f, 1.0f};
    frmi_onnx_initializer_f32(b, "conv.b", 1, cb_dims, cb);
    const int64_t fw_dims[] = {10, 4}, fb_dims[] = {10};
    float *fw = frmi_onnx_initializer_f32_fill(b, "fc.w", 2, fw_dims);
    assert_non_null(fw);
    for (size_t i = 0; i < 40; i++)
        fw[i] = weight(i + 3);
    frmi_onnx_initializer_f32(b, "fc.b", 1, fb_dims, NULL);

    const char *conv_in[] = {"x", "conv.w", "conv.b"}, *conv_out[] = {"c"};
    frmi_onnx_node *n = frmi_onnx_node_add(b, "Conv", "conv", 3, conv_in, 1, conv_out);
    const int64_t k[] = {3, 3}, pads[] = {1, 1, 1, 1}, strides[] = {1, 1};
    frmi_onnx_attr_ints(n, "kernel_shape", 2, k);
    frmi_onnx_attr_ints(n, "pads", 4, pads);
    frmi_onnx_attr_ints(n, "strides", 2, strides);
    const char *relu_in[] = {"c"}, *relu_out[] = {"r"};
    frmi_onnx_node_add(b, "Relu", "relu", 1, relu_in, 1, relu_out);
    const char *gap_in[] = {"r"}, *gap_out[] = {"p"};
    frmi_onnx_node_add(b, "GlobalAveragePool", "pool", 1, gap_in, 1, gap_out);
    const char *flat_in[] = {"p"}, *flat_out[] = {"f"};
    n = frmi_onnx_node_add(b, "Flatten", "flatten", 1, flat_in, 1, flat_out);
    frmi_onnx_attr_int(n, "axis", 1);
    const char *gemm_in[] = {"f", "fc.w", "fc.b"}, *gemm_out[] = {"y"};
    n = frmi_onnx_node_add(b, "Gemm", "fc", 3, gemm_in, 1, gemm_out);
    frmi_onnx_attr_float(n, "alpha", 1.0f);
    frmi_onnx_attr_float(n, "beta", 1.0f);
    frmi_onnx_attr_int(n, "transB", 1);
    return b;
}

/* --- Python's onnx.checker ----------------------------------------------- */

/* Loads the model (external data included), runs the full check, and
 * prints the node count and each initializer's shape and sum times 8. */
static const char checker_script[] =
    "import sys, onnx\n"
    "from onnx import numpy_helper\n"
    "m = onnx.load(sys.argv[1])\n"
    "onnx.checker.check_model(m, full_check=True)\n"
    "parts = [str(len(m.graph.node))]\n"
    "for t in sorted(m.graph.initializer, key=lambda t: t.name):\n"
    "    a = numpy_helper.to_array(t)\n"
    "    parts.append('%s:%s:%d' % (t.name, 'x'.join(map(str, a.shape)),\n"
    "                 int(round(float(a.astype('float64').sum()) * 8))))\n"
    "print(' '.join(parts))\n";

/* Checks the CNN at `path` with onnx.checker and its weights with numpy. */
static void python_check_cnn(const char *path)
{
    const char *python = tu_onnx_python();
    if (!python) {
        skip();
        return;
    }
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s.check", path);
    const char *argv[] = {python, "-c", checker_script, path, NULL};
    int status = tu_run_to(argv, out_path);
    char *out = tu_read(out_path);
    assert_non_null(out);
    if (status != 0)
        fail_msg("onnx.checker rejected %s (exit %d):\n%s", path, status, out);
    char want[512];
    snprintf(want, sizeof want, "5 conv.b:4:10 conv.w:4x3x3x3:%ld fc.b:10:0 fc.w:10x4:%ld\n",
             weight_sum8(108), weight_sum8(43) - weight_sum8(3));
    assert_string_equal(out, want);
    free(out);
    remove(out_path);
}

/* --- tests --------------------------------------------------------------- */

static void model_fields(void **state)
{
    (void)state;
    frmi_onnx_builder *b = frmi_onnx_builder_new("g", 13);
    assert_non_null(b);
    frmi_onnx_set_producer(b, "frm", "0.1.0");
    frmi_onnx_set_doc(b, "a test model");

    const int64_t in_dims[] = {-1, 3, -1, 0};
    const char *const params[] = {NULL, NULL, "seq", NULL};
    frmi_onnx_input(b, "x", FLOAT, 4, in_dims, params);
    frmi_onnx_input(b, "ids", INT64, 0, NULL, NULL);
    frmi_onnx_output(b, "y", FLOAT, -1, NULL, NULL);
    const int64_t out_dims[] = {-1};
    frmi_onnx_output(b, "z", INT64, 1, out_dims, NULL);

    const int64_t w_dims[] = {2, 3};
    const float w[] = {1.0f, -2.5f, 3.25f, 0.0f, -0.0f, 1e-30f};
    frmi_onnx_initializer_f32(b, "w", 2, w_dims, w);
    const int64_t s_dims[] = {3};
    const int64_t shape[] = {0, -1, INT64_MAX};
    frmi_onnx_initializer_i64(b, "shape", 1, s_dims, shape);
    frmi_onnx_initializer_f32(b, "scalar", 0, NULL, NULL);
    const int64_t e_dims[] = {4, 0};
    float *empty = frmi_onnx_initializer_f32_fill(b, "empty", 2, e_dims);
    assert_non_null(empty);
    const int64_t z_dims[] = {2, 2};
    frmi_onnx_initializer_i64(b, "zeros", 2, z_dims, NULL);

    const char *in1[] = {"x", "", "w"}, *out1[] = {"y"};
    frmi_onnx_node *n = frmi_onnx_node_add(b, "Op", "first", 3, in1, 1, out1);
    assert_non_null(n);
    const int64_t ints[] = {1, -2, INT64_MIN};
    const float floats[] = {0.5f, -1.0f};
    frmi_onnx_attr_int(n, "i", -7);
    frmi_onnx_attr_ints(n, "is", 3, ints);
    frmi_onnx_attr_ints(n, "none", 0, NULL);
    frmi_onnx_attr_float(n, "f", 0.1f);
    frmi_onnx_attr_floats(n, "fs", 2, floats);
    frmi_onnx_attr_string(n, "s", "NOTSET");
    const int64_t t_dims[] = {2};
    const float tf[] = {1.5f, 2.5f};
    frmi_onnx_attr_tensor_f32(n, "tf", 1, t_dims, tf);
    const int64_t ti[] = {42};
    frmi_onnx_attr_tensor_i64(n, "ti", 0, NULL, ti);

    const char *in2[] = {"y", "shape"}, *out2[] = {"z", "aux"};
    n = frmi_onnx_node_add_domain(b, "com.microsoft", "FusedThing", NULL, 2, in2, 2, out2);
    assert_non_null(n);
    frmi_onnx_node_add_domain(b, "com.microsoft", "Other", NULL, 0, NULL, 0, NULL);
    frmi_onnx_node_add_domain(b, "ai.onnx", "Identity", NULL, 0, NULL, 0, NULL);
    frmi_onnx_node_add_domain(b, "", "Identity", NULL, 0, NULL, 0, NULL);
    frmi_onnx_node_add_domain(b, "org.example", "X", "x", 0, NULL, 0, NULL);

    uint8_t *bytes;
    size_t len;
    Onnx__ModelProto *m = round_trip(b, &bytes, &len);
    frmi_onnx_builder_free(b);

    assert_true(m->has_ir_version);
    assert_int_equal(m->ir_version, 8);
    assert_string_equal(m->producer_name, "frm");
    assert_string_equal(m->producer_version, "0.1.0");
    assert_string_equal(m->doc_string, "a test model");
    assert_int_equal(m->n_opset_import, 3);
    assert_string_equal(m->opset_import[0]->domain, "");
    assert_int_equal(m->opset_import[0]->version, 13);
    assert_string_equal(m->opset_import[1]->domain, "com.microsoft");
    assert_int_equal(m->opset_import[1]->version, 1);
    assert_string_equal(m->opset_import[2]->domain, "org.example");
    assert_int_equal(m->opset_import[2]->version, 1);

    const Onnx__GraphProto *g = m->graph;
    assert_string_equal(g->name, "g");

    /* inputs: symbolic dims as given or "N", a scalar with an empty shape */
    assert_int_equal(g->n_input, 2);
    assert_string_equal(g->input[0]->name, "x");
    const Onnx__TypeProto *type = g->input[0]->type;
    assert_int_equal(type->value_case, ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE);
    assert_int_equal(type->tensor_type->elem_type, FLOAT);
    const Onnx__TensorShapeProto *shape_p = type->tensor_type->shape;
    assert_non_null(shape_p);
    assert_int_equal(shape_p->n_dim, 4);
    assert_int_equal(shape_p->dim[0]->value_case,
                     ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM);
    assert_string_equal(shape_p->dim[0]->dim_param, "N");
    assert_int_equal(shape_p->dim[1]->value_case,
                     ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE);
    assert_int_equal(shape_p->dim[1]->dim_value, 3);
    assert_string_equal(shape_p->dim[2]->dim_param, "seq");
    assert_int_equal(shape_p->dim[3]->value_case,
                     ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE);
    assert_int_equal(shape_p->dim[3]->dim_value, 0);
    assert_string_equal(g->input[1]->name, "ids");
    assert_int_equal(g->input[1]->type->tensor_type->elem_type, INT64);
    assert_non_null(g->input[1]->type->tensor_type->shape);
    assert_int_equal(g->input[1]->type->tensor_type->shape->n_dim, 0);

    /* outputs: no shape at all for rank < 0 */
    assert_int_equal(g->n_output, 2);
    assert_string_equal(g->output[0]->name, "y");
    assert_int_equal(g->output[0]->type->tensor_type->elem_type, FLOAT);
    assert_null(g->output[0]->type->tensor_type->shape);
    assert_int_equal(g->output[1]->type->tensor_type->shape->n_dim, 1);
    assert_string_equal(g->output[1]->type->tensor_type->shape->dim[0]->dim_param, "N");

    /* initializers: raw little-endian bytes, in the order added */
    assert_int_equal(g->n_initializer, 5);
    assert_string_equal(g->initializer[0]->name, "w");
    const Onnx__TensorProto *t = find_init(m, "w");
    assert_int_equal(t->data_type, FLOAT);
    assert_int_equal(t->n_dims, 2);
    assert_int_equal(t->dims[0], 2);
    assert_int_equal(t->dims[1], 3);
    assert_true(t->has_raw_data);
    assert_int_equal(t->raw_data.len, sizeof w);
    assert_memory_equal(t->raw_data.data, w, sizeof w);
    assert_int_equal(t->n_float_data, 0);
    assert_false(t->has_data_location && t->data_location != 0);
    const uint8_t one_le[4] = {0x00, 0x00, 0x80, 0x3f}; /* 1.0f */
    assert_memory_equal(t->raw_data.data, one_le, 4);

    t = find_init(m, "shape");
    assert_int_equal(t->data_type, INT64);
    assert_int_equal(t->n_dims, 1);
    assert_int_equal(t->dims[0], 3);
    assert_int_equal(t->raw_data.len, sizeof shape);
    assert_memory_equal(t->raw_data.data, shape, sizeof shape);
    const uint8_t minus_one_le[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(t->raw_data.data + 8, minus_one_le, 8);

    t = find_init(m, "scalar");
    assert_int_equal(t->n_dims, 0);
    assert_int_equal(t->raw_data.len, 4);
    const uint8_t zero4[4] = {0};
    assert_memory_equal(t->raw_data.data, zero4, 4);

    t = find_init(m, "empty");
    assert_int_equal(t->n_dims, 2);
    assert_int_equal(t->dims[1], 0);
    assert_true(t->has_raw_data);
    assert_int_equal(t->raw_data.len, 0);

    t = find_init(m, "zeros");
    assert_int_equal(t->raw_data.len, 32);
    const uint8_t zero32[32] = {0};
    assert_memory_equal(t->raw_data.data, zero32, 32);

    /* nodes */
    assert_int_equal(g->n_node, 6);
    const Onnx__NodeProto *p = g->node[0];
    assert_string_equal(p->op_type, "Op");
    assert_string_equal(p->name, "first");
    assert_null(p->domain);
    assert_int_equal(p->n_input, 3);
    assert_string_equal(p->input[0], "x");
    assert_string_equal(p->input[1], "");
    assert_string_equal(p->input[2], "w");
    assert_int_equal(p->n_output, 1);
    assert_string_equal(p->output[0], "y");
    assert_int_equal(p->n_attribute, 8);

    const Onnx__AttributeProto *a = find_attr(p, "i");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    assert_true(a->has_i);
    assert_int_equal(a->i, -7);
    a = find_attr(p, "is");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    assert_int_equal(a->n_ints, 3);
    assert_memory_equal(a->ints, ints, sizeof ints);
    a = find_attr(p, "none");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    assert_int_equal(a->n_ints, 0);
    a = find_attr(p, "f");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    assert_true(a->has_f);
    assert_true(a->f == 0.1f);
    a = find_attr(p, "fs");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    assert_int_equal(a->n_floats, 2);
    assert_memory_equal(a->floats, floats, sizeof floats);
    a = find_attr(p, "s");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    assert_true(a->has_s);
    assert_int_equal(a->s.len, 6);
    assert_memory_equal(a->s.data, "NOTSET", 6);
    a = find_attr(p, "tf");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    assert_non_null(a->t);
    assert_null(a->t->name);
    assert_int_equal(a->t->data_type, FLOAT);
    assert_int_equal(a->t->n_dims, 1);
    assert_int_equal(a->t->dims[0], 2);
    assert_int_equal(a->t->raw_data.len, sizeof tf);
    assert_memory_equal(a->t->raw_data.data, tf, sizeof tf);
    a = find_attr(p, "ti");
    assert_int_equal(a->type, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    assert_int_equal(a->t->data_type, INT64);
    assert_int_equal(a->t->n_dims, 0);
    assert_int_equal(a->t->raw_data.len, 8);
    assert_memory_equal(a->t->raw_data.data, ti, 8);
    /* attributes keep the order they were set in */
    assert_string_equal(p->attribute[0]->name, "i");
    assert_string_equal(p->attribute[7]->name, "ti");

    p = g->node[1];
    assert_string_equal(p->op_type, "FusedThing");
    assert_null(p->name);
    assert_string_equal(p->domain, "com.microsoft");
    assert_int_equal(p->n_input, 2);
    assert_string_equal(p->input[1], "shape");
    assert_int_equal(p->n_output, 2);
    assert_string_equal(p->output[1], "aux");
    assert_int_equal(p->n_attribute, 0);
    assert_string_equal(g->node[2]->domain, "com.microsoft");
    assert_int_equal(g->node[2]->n_input, 0);
    assert_null(g->node[3]->domain); /* "ai.onnx" is the default domain */
    assert_null(g->node[4]->domain);
    assert_string_equal(g->node[5]->domain, "org.example");
    assert_string_equal(g->node[5]->name, "x");

    onnx__model_proto__free_unpacked(m, NULL);
    free(bytes);
}

static void minimal_model(void **state)
{
    (void)state;
    frmi_onnx_builder *b = frmi_onnx_builder_new("", 17);
    uint8_t *bytes;
    size_t len;
    Onnx__ModelProto *m = round_trip(b, &bytes, &len);
    assert_int_equal(m->ir_version, 8);
    assert_int_equal(m->n_opset_import, 1);
    assert_int_equal(m->opset_import[0]->version, 17);
    assert_null(m->producer_name);
    assert_null(m->producer_version);
    assert_null(m->doc_string);
    assert_non_null(m->graph);
    assert_string_equal(m->graph->name, "");
    assert_int_equal(m->graph->n_node, 0);
    onnx__model_proto__free_unpacked(m, NULL);
    free(bytes);

    /* producer and doc can be replaced and cleared */
    frmi_onnx_set_producer(b, "a", "1");
    frmi_onnx_set_producer(b, "b", NULL);
    frmi_onnx_set_doc(b, "d");
    m = round_trip(b, &bytes, &len);
    assert_string_equal(m->producer_name, "b");
    assert_null(m->producer_version);
    assert_string_equal(m->doc_string, "d");
    onnx__model_proto__free_unpacked(m, NULL);
    free(bytes);
    frmi_onnx_builder_free(b);
    frmi_onnx_builder_free(NULL);
}

static void deterministic(void **state)
{
    (void)state;
    frmi_onnx_builder *b1 = build_cnn(), *b2 = build_cnn();
    uint8_t *s1, *s2;
    size_t n1, n2;
    frm_error err;
    assert_int_equal(frmi_onnx_serialize(b1, &s1, &n1, &err), FRM_OK);
    assert_int_equal(frmi_onnx_serialize(b2, &s2, &n2, &err), FRM_OK);
    assert_int_equal(n1, n2);
    assert_memory_equal(s1, s2, n1);

    /* the file holds exactly the serialized bytes, twice over */
    const char *dir = tu_subdir("deterministic");
    const char *p1 = tu_join(dir, "a.onnx"), *p2 = tu_join(dir, "b.onnx");
    assert_int_equal(frmi_onnx_write(b1, p1, NULL, &err), FRM_OK);
    assert_int_equal(frmi_onnx_write(b2, p2, NULL, &err), FRM_OK);
    size_t f1_len, f2_len;
    uint8_t *f1 = tu_read_bytes(p1, &f1_len), *f2 = tu_read_bytes(p2, &f2_len);
    assert_non_null(f1);
    assert_non_null(f2);
    assert_int_equal(f1_len, n1);
    assert_memory_equal(f1, s1, n1);
    assert_int_equal(f2_len, n1);
    assert_memory_equal(f2, s1, n1);

    /* a different weight gives different bytes */
    const int64_t d[] = {1};
    const float one = 1.0f, two = 2.0f;
    frmi_onnx_initializer_f32(b1, "extra", 1, d, &one);
    frmi_onnx_initializer_f32(b2, "extra", 1, d, &two);
    uint8_t *t1, *t2;
    size_t m1, m2;
    assert_int_equal(frmi_onnx_serialize(b1, &t1, &m1, &err), FRM_OK);
    assert_int_equal(frmi_onnx_serialize(b2, &t2, &m2, &err), FRM_OK);
    assert_int_equal(m1, m2);
    assert_true(memcmp(t1, t2, m1) != 0);

    free(s1);
    free(s2);
    free(t1);
    free(t2);
    free(f1);
    free(f2);
    frmi_onnx_builder_free(b1);
    frmi_onnx_builder_free(b2);
}

/* One way of getting a builder into the failed state. */
typedef struct bad_call {
    const char *what;
    void (*call)(frmi_onnx_builder *b);
    frm_code code;
    const char *message;
} bad_call;

static void null_input_name(frmi_onnx_builder *b)
{
    frmi_onnx_input(b, NULL, FLOAT, -1, NULL, NULL);
}
static void input_rank_13(frmi_onnx_builder *b)
{
    const int64_t d[13] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    frmi_onnx_input(b, "x", FLOAT, 13, d, NULL);
}
static void input_no_dims(frmi_onnx_builder *b)
{
    frmi_onnx_output(b, "y", FLOAT, 2, NULL, NULL);
}
static void input_bad_type(frmi_onnx_builder *b)
{
    frmi_onnx_input(b, "x", 0, -1, NULL, NULL);
}
static void duplicate_input(frmi_onnx_builder *b)
{
    frmi_onnx_input(b, "x", FLOAT, -1, NULL, NULL);
    frmi_onnx_input(b, "x", FLOAT, -1, NULL, NULL);
}
static void duplicate_output(frmi_onnx_builder *b)
{
    frmi_onnx_output(b, "y", FLOAT, -1, NULL, NULL);
    frmi_onnx_output(b, "y", INT64, -1, NULL, NULL);
}
static void negative_dim(frmi_onnx_builder *b)
{
    const int64_t d[] = {2, -3};
    frmi_onnx_initializer_f32(b, "w", 2, d, NULL);
}
static void negative_rank(frmi_onnx_builder *b)
{
    frmi_onnx_initializer_i64(b, "s", -1, NULL, NULL);
}
static void initializer_rank_13(frmi_onnx_builder *b)
{
    const int64_t d[13] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    frmi_onnx_initializer_f32(b, "w", 13, d, NULL);
}
static void too_many_elements(frmi_onnx_builder *b)
{
    const int64_t d[] = {INT64_MAX, INT64_MAX};
    assert_null(frmi_onnx_initializer_f32_fill(b, "huge", 2, d));
}
static void duplicate_initializer(frmi_onnx_builder *b)
{
    frmi_onnx_initializer_f32(b, "w", 0, NULL, NULL);
    frmi_onnx_initializer_i64(b, "w", 0, NULL, NULL);
}
static void null_initializer_name(frmi_onnx_builder *b)
{
    assert_null(frmi_onnx_initializer_f32_fill(b, NULL, 0, NULL));
}
static void null_op(frmi_onnx_builder *b)
{
    assert_null(frmi_onnx_node_add(b, NULL, "n", 0, NULL, 0, NULL));
}
static void null_input_entry(frmi_onnx_builder *b)
{
    const char *in[] = {"a", NULL};
    assert_null(frmi_onnx_node_add(b, "Add", "add", 2, in, 0, NULL));
}
static void missing_outputs(frmi_onnx_builder *b)
{
    assert_null(frmi_onnx_node_add(b, "Relu", NULL, 0, NULL, 1, NULL));
}
static void null_attr_name(frmi_onnx_builder *b)
{
    frmi_onnx_attr_int(frmi_onnx_node_add(b, "Relu", "r", 0, NULL, 0, NULL), NULL, 1);
}
static void duplicate_attr(frmi_onnx_builder *b)
{
    frmi_onnx_node *n = frmi_onnx_node_add(b, "Conv", NULL, 0, NULL, 0, NULL);
    frmi_onnx_attr_int(n, "group", 1);
    frmi_onnx_attr_float(n, "group", 1.0f);
}
static void null_string_attr(frmi_onnx_builder *b)
{
    frmi_onnx_attr_string(frmi_onnx_node_add(b, "Pad", "pad", 0, NULL, 0, NULL), "mode", NULL);
}
static void null_ints_attr(frmi_onnx_builder *b)
{
    frmi_onnx_attr_ints(frmi_onnx_node_add(b, "Conv", "c", 0, NULL, 0, NULL), "pads", 4, NULL);
}
static void bad_tensor_attr(frmi_onnx_builder *b)
{
    const int64_t d[] = {-1};
    frmi_onnx_attr_tensor_i64(frmi_onnx_node_add(b, "Constant", "k", 0, NULL, 0, NULL), "value",
                              1, d, NULL);
}
static void first_failure_kept(frmi_onnx_builder *b)
{
    negative_dim(b);
    null_op(b);
    duplicate_input(b);
}

static void sticky_errors(void **state)
{
    (void)state;
    const bad_call calls[] = {
        {"null input name", null_input_name, FRM_E_ARGUMENT, "graph input name is NULL"},
        {"input rank 13", input_rank_13, FRM_E_ARGUMENT, "graph input 'x': rank 13 is over 12"},
        {"output without dims", input_no_dims, FRM_E_ARGUMENT,
         "graph output 'y': rank 2 but no dims"},
        {"element type 0", input_bad_type, FRM_E_ARGUMENT,
         "graph input 'x': element type 0 is not valid"},
        {"duplicate input", duplicate_input, FRM_E_ARGUMENT, "graph input 'x' declared twice"},
        {"duplicate output", duplicate_output, FRM_E_ARGUMENT,
         "graph output 'y' declared twice"},
        {"negative dim", negative_dim, FRM_E_ARGUMENT,
         "initializer 'w': dimension 1 is negative (-3)"},
        {"negative rank", negative_rank, FRM_E_ARGUMENT,
         "initializer 's': rank -1 is not within 0..12"},
        {"initializer rank 13", initializer_rank_13, FRM_E_ARGUMENT,
         "initializer 'w': rank 13 is not within 0..12"},
        {"too many elements", too_many_elements, FRM_E_ARGUMENT,
         "initializer 'huge': too many elements"},
        {"duplicate initializer", duplicate_initializer, FRM_E_ARGUMENT,
         "initializer 'w' declared twice"},
        {"null initializer name", null_initializer_name, FRM_E_ARGUMENT,
         "initializer name is NULL"},
        {"null op", null_op, FRM_E_ARGUMENT, "node op type is NULL"},
        {"null input entry", null_input_entry, FRM_E_ARGUMENT,
         "node 'Add': input 1 is NULL (\"\" omits an optional input)"},
        {"missing outputs", missing_outputs, FRM_E_ARGUMENT,
         "node 'Relu': 1 outputs but no names"},
        {"null attribute name", null_attr_name, FRM_E_ARGUMENT,
         "node 'r': attribute name is NULL"},
        {"duplicate attribute", duplicate_attr, FRM_E_ARGUMENT,
         "node 'Conv': attribute 'group' set twice"},
        {"null string attribute", null_string_attr, FRM_E_ARGUMENT,
         "node 'pad': string attribute 'mode' is NULL"},
        {"null ints attribute", null_ints_attr, FRM_E_ARGUMENT,
         "node 'c': attribute 'pads' has 4 values but no array"},
        {"bad tensor attribute", bad_tensor_attr, FRM_E_ARGUMENT,
         "tensor attribute 'value': dimension 0 is negative (-1)"},
        {"first failure kept", first_failure_kept, FRM_E_ARGUMENT,
         "initializer 'w': dimension 1 is negative (-3)"},
    };
    const char *dir = tu_subdir("sticky");
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        print_message("case: %s\n", calls[i].what);
        frmi_onnx_builder *b = frmi_onnx_builder_new("g", 17);
        calls[i].call(b);

        /* later calls do nothing */
        const char *in[] = {"x"}, *out[] = {"y"};
        assert_null(frmi_onnx_node_add(b, "Relu", "late", 1, in, 1, out));
        const int64_t d[] = {4};
        assert_null(frmi_onnx_initializer_f32_fill(b, "late", 1, d));
        frmi_onnx_attr_int(NULL, "a", 1);

        frm_error err;
        const char *path = tu_join(dir, "model.onnx");
        assert_int_equal(frmi_onnx_write(b, path, NULL, &err), calls[i].code);
        assert_int_equal(err.code, calls[i].code);
        assert_string_equal(err.message, calls[i].message);
        assert_false(exists(path));

        uint8_t dummy = 0, *bytes = &dummy;
        size_t len = 99;
        assert_int_equal(frmi_onnx_serialize(b, &bytes, &len, &err), calls[i].code);
        assert_null(bytes);
        assert_int_equal(len, 0);
        assert_string_equal(err.message, calls[i].message);
        frmi_onnx_builder_free(b);
    }
    assert_int_equal(count_entries(dir), 0);

    /* failures at creation come back from the write */
    frm_error err;
    frmi_onnx_builder *b = frmi_onnx_builder_new(NULL, 17);
    assert_int_equal(frmi_onnx_write(b, tu_join(dir, "m.onnx"), NULL, &err), FRM_E_ARGUMENT);
    assert_string_equal(err.message, "graph name is NULL");
    frmi_onnx_builder_free(b);
    b = frmi_onnx_builder_new("g", 0);
    assert_int_equal(frmi_onnx_write(b, tu_join(dir, "m.onnx"), NULL, &err), FRM_E_ARGUMENT);
    assert_string_equal(err.message, "graph 'g': opset 0 is not positive");
    frmi_onnx_builder_free(b);
    assert_int_equal(count_entries(dir), 0);

    /* bad arguments to the write itself */
    assert_int_equal(frmi_onnx_write(NULL, tu_join(dir, "m.onnx"), NULL, &err), FRM_E_ARGUMENT);
    b = frmi_onnx_builder_new("g", 17);
    assert_int_equal(frmi_onnx_write(b, NULL, NULL, &err), FRM_E_ARGUMENT);
    assert_int_equal(frmi_onnx_serialize(b, NULL, NULL, &err), FRM_E_ARGUMENT);
    /* an error passed back leaves the builder usable */
    assert_int_equal(frmi_onnx_write(b, tu_join(dir, "m.onnx"), NULL, &err), FRM_OK);
    frmi_onnx_builder_free(b);
}

static void atomic_writes(void **state)
{
    (void)state;
    const char *dir = tu_subdir("atomic");
    const char *path = tu_join(dir, "model.onnx");
    frm_error err;

    /* an old file is replaced whole, and nothing else is left behind */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 100000; i++)
        fputc('#', f);
    fclose(f);
    frmi_onnx_builder *b = build_cnn();
    assert_int_equal(frmi_onnx_write(b, path, NULL, &err), FRM_OK);
    assert_int_equal(count_entries(dir), 1);
    uint8_t *bytes;
    size_t len, file_len;
    assert_int_equal(frmi_onnx_serialize(b, &bytes, &len, &err), FRM_OK);
    uint8_t *file = tu_read_bytes(path, &file_len);
    assert_int_equal(file_len, len);
    assert_memory_equal(file, bytes, len);
    free(file);

    /* permissions follow the umask, not mkstemp's 0600 */
    mode_t old = umask(022);
    assert_int_equal(frmi_onnx_write(b, path, NULL, &err), FRM_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    /* a relative path works from the current folder */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(frmi_onnx_write(b, "rel.onnx", NULL, &err), FRM_OK);
    assert_int_equal(chdir(cwd), 0);
    file = tu_read_bytes(tu_join(dir, "rel.onnx"), &file_len);
    assert_non_null(file);
    assert_int_equal(file_len, len);
    free(file);
    assert_int_equal(count_entries(dir), 2);

    /* a folder that does not exist: an I/O error naming the path */
    const char *missing = tu_join(dir, "no/such/folder/model.onnx");
    assert_int_equal(frmi_onnx_write(b, missing, NULL, &err), FRM_E_IO);
    assert_int_equal(err.code, FRM_E_IO);
    assert_contains(err.message, missing);
    assert_contains(err.message, "No such file or directory");

    /* the target is a folder: the rename fails and the temporary goes */
    const char *folder = tu_join(dir, "folder.onnx");
    assert_int_equal(mkdir(folder, 0777), 0);
    const char *inside = tu_join(folder, "x");
    f = fopen(inside, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(frmi_onnx_write(b, folder, NULL, &err), FRM_E_IO);
    assert_contains(err.message, folder);
    assert_int_equal(count_entries(dir), 3);
    assert_int_equal(count_entries(folder), 1);

    free(bytes);
    frmi_onnx_builder_free(b);
}

static void external_data(void **state)
{
    (void)state;
    const char *dir = tu_subdir("external");
    frmi_onnx_builder *b = frmi_onnx_builder_new("ext", 17);
    const int64_t big_dims[] = {50, 100}, small_dims[] = {10}, i64_dims[] = {3000};
    float *big = frmi_onnx_initializer_f32_fill(b, "big", 2, big_dims);
    for (size_t i = 0; i < 5000; i++)
        big[i] = (float)i * 0.5f;
    float small[10];
    for (size_t i = 0; i < 10; i++)
        small[i] = (float)i;
    frmi_onnx_initializer_f32(b, "small", 1, small_dims, small);
    const int64_t exact_dims[] = {256};
    frmi_onnx_initializer_f32(b, "exact", 1, exact_dims, NULL); /* 1024 bytes */
    int64_t *ids = malloc(3000 * sizeof *ids);
    assert_non_null(ids);
    for (size_t i = 0; i < 3000; i++)
        ids[i] = (int64_t)i * 1000003 - 7;
    frmi_onnx_initializer_i64(b, "ids", 1, i64_dims, ids);
    const char *in[] = {"big"}, *out[] = {"y"};
    frmi_onnx_node_add(b, "Identity", NULL, 1, in, 1, out);

    uint8_t *before;
    size_t before_len;
    frm_error err;
    assert_int_equal(frmi_onnx_serialize(b, &before, &before_len, &err), FRM_OK);

    const char *path = tu_join(dir, "m.onnx");
    frmi_onnx_write_options opt = {"m.weights", 1024};
    assert_int_equal(frmi_onnx_write(b, path, &opt, &err), FRM_OK);
    assert_int_equal(count_entries(dir), 2);

    /* the data file: big at 0, exact at 20480, ids at 24576 (4096-aligned) */
    size_t data_len;
    uint8_t *data = tu_read_bytes(tu_join(dir, "m.weights"), &data_len);
    assert_non_null(data);
    assert_int_equal(data_len, 24576 + 24000);
    assert_memory_equal(data, big, 20000);
    for (size_t i = 20000; i < 20480; i++)
        assert_int_equal(data[i], 0);
    for (size_t i = 20480; i < 24576; i++)
        assert_int_equal(data[i], 0);
    assert_memory_equal(data + 24576, ids, 24000);

    size_t len;
    uint8_t *bytes = tu_read_bytes(path, &len);
    assert_non_null(bytes);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, bytes);
    assert_non_null(m);
    struct {
        const char *name, *offset, *length;
    } want[] = {{"big", "0", "20000"}, {"exact", "20480", "1024"}, {"ids", "24576", "24000"}};
    for (size_t i = 0; i < 3; i++) {
        const Onnx__TensorProto *t = find_init(m, want[i].name);
        assert_true(t->has_data_location);
        assert_int_equal(t->data_location, ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL);
        assert_false(t->has_raw_data);
        assert_int_equal(t->n_external_data, 3);
        assert_string_equal(t->external_data[0]->key, "location");
        assert_string_equal(ext_entry(t, "location"), "m.weights");
        assert_string_equal(ext_entry(t, "offset"), want[i].offset);
        assert_string_equal(ext_entry(t, "length"), want[i].length);
    }
    const Onnx__TensorProto *t = find_init(m, "small");
    assert_false(t->has_data_location && t->data_location != 0);
    assert_int_equal(t->n_external_data, 0);
    assert_true(t->has_raw_data);
    assert_memory_equal(t->raw_data.data, small, sizeof small);
    assert_int_equal(find_init(m, "ids")->data_type, INT64);
    assert_int_equal(find_init(m, "big")->n_dims, 2);
    assert_int_equal(find_init(m, "big")->dims[1], 100);
    onnx__model_proto__free_unpacked(m, NULL);
    free(bytes);
    free(data);

    /* the write left the builder as it was */
    uint8_t *after;
    size_t after_len;
    assert_int_equal(frmi_onnx_serialize(b, &after, &after_len, &err), FRM_OK);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(after);

    /* writing the same again gives the same two files */
    const char *path2 = tu_join(dir, "m2.onnx");
    frmi_onnx_write_options opt2 = {"m2.weights", 1024};
    assert_int_equal(frmi_onnx_write(b, path2, &opt2, &err), FRM_OK);
    size_t d2_len;
    uint8_t *d2 = tu_read_bytes(tu_join(dir, "m2.weights"), &d2_len);
    assert_int_equal(d2_len, 24576 + 24000);
    free(d2);

    /* no initializer large enough: no data file, raw data inline */
    const char *path3 = tu_join(dir, "m3.onnx");
    frmi_onnx_write_options opt3 = {"m3.weights", 1 << 20};
    assert_int_equal(frmi_onnx_write(b, path3, &opt3, &err), FRM_OK);
    assert_false(exists(tu_join(dir, "m3.weights")));
    bytes = tu_read_bytes(path3, &len);
    assert_int_equal(len, before_len);
    assert_memory_equal(bytes, before, len);
    free(bytes);
    assert_int_equal(count_entries(dir), 5);

    /* only a plain file name is accepted, and never the model's own */
    const char *bad_names[] = {"sub/w.bin", "/tmp/w.bin", "", ".", "..", "m4.onnx"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        frmi_onnx_write_options o = {bad_names[i], 0};
        assert_int_equal(frmi_onnx_write(b, tu_join(dir, "m4.onnx"), &o, &err), FRM_E_ARGUMENT);
        assert_contains(err.message, bad_names[i]);
    }
    assert_int_equal(count_entries(dir), 5);

    /* the data file cannot be created: nothing is written */
    frmi_onnx_write_options o = {"w.bin", 0};
    assert_int_equal(frmi_onnx_write(b, tu_join(dir, "none/m.onnx"), &o, &err), FRM_E_IO);
    assert_contains(err.message, "none/w.bin");
    assert_int_equal(count_entries(dir), 5);

    free(before);
    free(ids);
    frmi_onnx_builder_free(b);
}

/* 25M floats filled in place and written out: no copy, no trouble. */
static void large_initializer(void **state)
{
    (void)state;
    const char *dir = tu_subdir("large");
    frmi_onnx_builder *b = frmi_onnx_builder_new("large", 17);
    const int64_t d[] = {5000, 5000};
    float *w = frmi_onnx_initializer_f32_fill(b, "w", 2, d);
    assert_non_null(w);
    for (size_t i = 0; i < 25000000; i++)
        w[i] = (float)(i % 1000);
    frm_error err;
    const char *path = tu_join(dir, "large.onnx");
    assert_int_equal(frmi_onnx_write(b, path, NULL, &err), FRM_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100000000 && st.st_size < 100000100);
    remove(path);
    frmi_onnx_write_options opt = {"large.bin", 4096};
    assert_int_equal(frmi_onnx_write(b, path, &opt, &err), FRM_OK);
    assert_int_equal(stat(tu_join(dir, "large.bin"), &st), 0);
    assert_int_equal(st.st_size, 100000000);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size < 1000);
    frmi_onnx_builder_free(b);
    remove(path);
    remove(tu_join(dir, "large.bin"));
}

static void onnx_checker_accepts(void **state)
{
    (void)state;
    if (!tu_onnx_python()) {
        print_message("no Python with the onnx package: skipping onnx.checker\n");
        skip();
    }
    const char *dir = tu_subdir("checker");
    frmi_onnx_builder *b = build_cnn();
    frm_error err;
    const char *path = tu_join(dir, "cnn.onnx");
    assert_int_equal(frmi_onnx_write(b, path, NULL, &err), FRM_OK);
    python_check_cnn(path);

    /* conv.w (432 bytes) and fc.w (160 bytes) go to the data file */
    const char *ext_path = tu_join(dir, "cnn_ext.onnx");
    frmi_onnx_write_options opt = {"cnn_ext.data", 100};
    assert_int_equal(frmi_onnx_write(b, ext_path, &opt, &err), FRM_OK);
    size_t len;
    uint8_t *data = tu_read_bytes(tu_join(dir, "cnn_ext.data"), &len);
    assert_non_null(data);
    assert_int_equal(len, 4096 + 160);
    free(data);
    python_check_cnn(ext_path);
    frmi_onnx_builder_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_fields),
        cmocka_unit_test(minimal_model),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(sticky_errors),
        cmocka_unit_test(atomic_writes),
        cmocka_unit_test(external_data),
        cmocka_unit_test(large_initializer),
        cmocka_unit_test(onnx_checker_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
