/*
 * onnx/writer.c - building ONNX models in C and writing them out.
 *
 * The builder grows a protobuf-c ModelProto in place: every string, array
 * and message in it comes from malloc, so the tree is its own single owner
 * and protobuf_c_message_free_unpacked releases all of it.  Node handles
 * wrap their NodeProto (the proto is the wrapper's first member, so the
 * tree frees the wrapper through it).
 *
 * Writing streams the packed model to the file through a ProtobufCBuffer
 * whose append is fwrite, so a 100 MB model is never packed in memory.
 * Initializers going to an external-data file are edited in place for the
 * duration of the write (no raw_data, an EXTERNAL location and its three
 * entries) and restored afterwards, so the builder is unchanged by it.
 */
#include "onnx/writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx.pb-c.h"
#include "util/error.h"
#include "util/output.h"

/* Raw data is written as the host holds it, which must be little-endian. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "onnx/writer.c writes tensors in host byte order, which must be little-endian"
#endif

#define MAX_RANK 12
#define IR_VERSION 8
#define EXTERNAL_ALIGN 4096

struct frmi_onnx_node {
    Onnx__NodeProto proto; /* first: graph->node[i] points here */
    frmi_onnx_builder *b;
    size_t attr_cap;
};

struct frmi_onnx_builder {
    Onnx__ModelProto *model;
    Onnx__GraphProto *graph;
    size_t opset_cap, node_cap, init_cap, input_cap, output_cap;
    frm_error err; /* the first failure, FRM_OK while none */
};

/* --- failures and small helpers ------------------------------------------ */

static int failed(const frmi_onnx_builder *b)
{
    return !b || b->err.code != FRM_OK;
}

static void nomem(frmi_onnx_builder *b)
{
    if (b->err.code == FRM_OK)
        frmi_nomem(&b->err);
}

/* Records a bad argument (the first failure only).  The message is built
 * in a local buffer first, since it may quote a name the builder owns. */
static void bad(frmi_onnx_builder *b, const char *fmt, ...) FRMI_PRINTF(2, 3);
static void bad(frmi_onnx_builder *b, const char *fmt, ...)
{
    if (b->err.code != FRM_OK)
        return;
    char msg[FRM_ERROR_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    frmi_fail(&b->err, FRM_E_ARGUMENT, "%s", msg);
}

static const char *show(const char *s)
{
    return s ? s : "(null)";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void free_message(void *m)
{
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
}

/*
 * Makes room for one more element in an array of `n` elements with room
 * for `*cap`.  Returns the (possibly moved) array, or NULL when out of
 * memory, in which case the old array is untouched.
 */
static void *grow(void *array, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return array;
    size_t want = *cap ? *cap * 2 : 8;
    if (want > SIZE_MAX / elem)
        return NULL;
    void *bigger = realloc(array, want * elem);
    if (bigger)
        *cap = want;
    return bigger;
}

/* --- the builder --------------------------------------------------------- */

/* Appends the opset import (domain, version). */
static void add_opset(frmi_onnx_builder *b, const char *domain, int64_t version)
{
    Onnx__ModelProto *m = b->model;
    void *grown = grow(m->opset_import, m->n_opset_import, &b->opset_cap,
                       sizeof *m->opset_import);
    if (!grown) {
        nomem(b);
        return;
    }
    m->opset_import = grown;
    Onnx__OperatorSetIdProto *op = malloc(sizeof *op);
    if (!op) {
        nomem(b);
        return;
    }
    onnx__operator_set_id_proto__init(op);
    op->domain = dup_str(domain);
    if (!op->domain) {
        free(op);
        nomem(b);
        return;
    }
    op->has_version = 1;
    op->version = version;
    m->opset_import[m->n_opset_import++] = op;
}

frmi_onnx_builder *frmi_onnx_builder_new(const char *graph_name, int64_t opset)
{
    frmi_onnx_builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->model = malloc(sizeof *b->model);
    b->graph = malloc(sizeof *b->graph);
    if (!b->model || !b->graph) {
        free(b->model);
        free(b->graph);
        free(b);
        return NULL;
    }
    onnx__model_proto__init(b->model);
    onnx__graph_proto__init(b->graph);
    b->model->has_ir_version = 1;
    b->model->ir_version = IR_VERSION;
    b->model->graph = b->graph;
    frm_error_clear(&b->err);

    if (!graph_name)
        bad(b, "graph name is NULL");
    else if (opset < 1)
        bad(b, "graph '%s': opset %lld is not positive", graph_name, (long long)opset);
    else if (!(b->graph->name = dup_str(graph_name)))
        nomem(b);
    if (!failed(b))
        add_opset(b, "", opset);
    return b;
}

void frmi_onnx_builder_free(frmi_onnx_builder *b)
{
    if (!b)
        return;
    free_message(b->model); /* the graph, nodes and node wrappers with it */
    free(b);
}

/* Replaces the string *slot with a copy of s (NULL clears it). */
static void set_string(frmi_onnx_builder *b, char **slot, const char *s)
{
    char *copy = NULL;
    if (s && !(copy = dup_str(s))) {
        nomem(b);
        return;
    }
    free(*slot);
    *slot = copy;
}

void frmi_onnx_set_producer(frmi_onnx_builder *b, const char *name, const char *version)
{
    if (failed(b))
        return;
    set_string(b, &b->model->producer_name, name);
    if (!failed(b))
        set_string(b, &b->model->producer_version, version);
}

void frmi_onnx_set_doc(frmi_onnx_builder *b, const char *doc)
{
    if (!failed(b))
        set_string(b, &b->model->doc_string, doc);
}

/* --- graph inputs and outputs -------------------------------------------- */

static Onnx__ValueInfoProto *make_value_info(const char *name, int elem_type, int rank,
                                             const int64_t *dims,
                                             const char *const *dim_params)
{
    Onnx__ValueInfoProto *vi = malloc(sizeof *vi);
    if (!vi)
        return NULL;
    onnx__value_info_proto__init(vi);
    Onnx__TypeProto *type = malloc(sizeof *type);
    if (!type)
        goto fail;
    onnx__type_proto__init(type);
    vi->type = type;
    Onnx__TypeProto__Tensor *tt = malloc(sizeof *tt);
    if (!tt)
        goto fail;
    onnx__type_proto__tensor__init(tt);
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tt;
    tt->has_elem_type = 1;
    tt->elem_type = elem_type;
    if (!(vi->name = dup_str(name)))
        goto fail;
    if (rank < 0)
        return vi;

    Onnx__TensorShapeProto *shape = malloc(sizeof *shape);
    if (!shape)
        goto fail;
    onnx__tensor_shape_proto__init(shape);
    tt->shape = shape;
    if (rank > 0) {
        shape->dim = calloc((size_t)rank, sizeof *shape->dim);
        if (!shape->dim)
            goto fail;
    }
    for (int i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = malloc(sizeof *d);
        if (!d)
            goto fail;
        onnx__tensor_shape_proto__dimension__init(d);
        shape->dim[shape->n_dim++] = d;
        if (dims[i] >= 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        } else {
            const char *param = dim_params && dim_params[i] ? dim_params[i] : "N";
            if (!(d->dim_param = dup_str(param)))
                goto fail;
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        }
    }
    return vi;
fail:
    free_message(vi);
    return NULL;
}

static void add_value_info(frmi_onnx_builder *b, const char *what, Onnx__ValueInfoProto ***list,
                           size_t *n, size_t *cap, const char *name, int elem_type, int rank,
                           const int64_t *dims, const char *const *dim_params)
{
    if (failed(b))
        return;
    if (!name) {
        bad(b, "graph %s name is NULL", what);
        return;
    }
    if (elem_type <= 0) {
        bad(b, "graph %s '%s': element type %d is not valid", what, name, elem_type);
        return;
    }
    if (rank > MAX_RANK) {
        bad(b, "graph %s '%s': rank %d is over %d", what, name, rank, MAX_RANK);
        return;
    }
    if (rank > 0 && !dims) {
        bad(b, "graph %s '%s': rank %d but no dims", what, name, rank);
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*list)[i]->name, name) == 0) {
            bad(b, "graph %s '%s' declared twice", what, name);
            return;
        }
    }
    void *grown = grow(*list, *n, cap, sizeof **list);
    if (!grown) {
        nomem(b);
        return;
    }
    *list = grown;
    Onnx__ValueInfoProto *vi = make_value_info(name, elem_type, rank, dims, dim_params);
    if (!vi) {
        nomem(b);
        return;
    }
    (*list)[(*n)++] = vi;
}

void frmi_onnx_input(frmi_onnx_builder *b, const char *name, int elem_type,
                     int rank, const int64_t *dims, const char *const *dim_params)
{
    if (!failed(b))
        add_value_info(b, "input", &b->graph->input, &b->graph->n_input, &b->input_cap, name,
                       elem_type, rank, dims, dim_params);
}

void frmi_onnx_output(frmi_onnx_builder *b, const char *name, int elem_type,
                      int rank, const int64_t *dims, const char *const *dim_params)
{
    if (!failed(b))
        add_value_info(b, "output", &b->graph->output, &b->graph->n_output, &b->output_cap,
                       name, elem_type, rank, dims, dim_params);
}

/* --- tensors ------------------------------------------------------------- */

/*
 * Checks a tensor's rank and dims and counts its raw bytes.  Returns 0 and
 * records the failure when they are unusable; `what` and `name` name the
 * tensor in the message.
 */
static int tensor_bytes(frmi_onnx_builder *b, const char *what, const char *name, int rank,
                        const int64_t *dims, size_t elem_size, size_t *bytes)
{
    if (rank < 0 || rank > MAX_RANK) {
        bad(b, "%s '%s': rank %d is not within 0..%d", what, name, rank, MAX_RANK);
        return 0;
    }
    if (rank > 0 && !dims) {
        bad(b, "%s '%s': rank %d but no dims", what, name, rank);
        return 0;
    }
    size_t total = elem_size;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0) {
            bad(b, "%s '%s': dimension %d is negative (%lld)", what, name, i,
                (long long)dims[i]);
            return 0;
        }
        if (dims[i] > 0 && total > SIZE_MAX / (uint64_t)dims[i]) {
            bad(b, "%s '%s': too many elements", what, name);
            return 0;
        }
        total *= (size_t)dims[i];
    }
    *bytes = total;
    return 1;
}

/*
 * A tensor of `bytes` raw bytes copied from `data` (zeros when NULL).
 * NULL when out of memory.  `name` may be NULL (attribute tensors).
 */
static Onnx__TensorProto *make_tensor(const char *name, int32_t elem_type, int rank,
                                      const int64_t *dims, size_t bytes, const void *data)
{
    Onnx__TensorProto *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    onnx__tensor_proto__init(t);
    t->has_data_type = 1;
    t->data_type = elem_type;
    if (name && !(t->name = dup_str(name)))
        goto fail;
    if (rank > 0) {
        if (!(t->dims = malloc((size_t)rank * sizeof *t->dims)))
            goto fail;
        memcpy(t->dims, dims, (size_t)rank * sizeof *t->dims);
        t->n_dims = (size_t)rank;
    }
    /* At least one byte, so an empty tensor still has a buffer to hand out. */
    uint8_t *raw = data ? malloc(bytes ? bytes : 1) : calloc(bytes ? bytes : 1, 1);
    if (!raw)
        goto fail;
    if (data && bytes)
        memcpy(raw, data, bytes);
    t->has_raw_data = 1;
    t->raw_data.data = raw;
    t->raw_data.len = bytes;
    return t;
fail:
    free_message(t);
    return NULL;
}

/* Adds an initializer and returns its raw buffer, NULL after a failure. */
static void *add_initializer(frmi_onnx_builder *b, const char *name, int32_t elem_type,
                             size_t elem_size, int rank, const int64_t *dims, const void *data)
{
    if (failed(b))
        return NULL;
    if (!name) {
        bad(b, "initializer name is NULL");
        return NULL;
    }
    size_t bytes;
    if (!tensor_bytes(b, "initializer", name, rank, dims, elem_size, &bytes))
        return NULL;
    Onnx__GraphProto *g = b->graph;
    for (size_t i = 0; i < g->n_initializer; i++) {
        if (strcmp(g->initializer[i]->name, name) == 0) {
            bad(b, "initializer '%s' declared twice", name);
            return NULL;
        }
    }
    void *grown = grow(g->initializer, g->n_initializer, &b->init_cap, sizeof *g->initializer);
    if (!grown) {
        nomem(b);
        return NULL;
    }
    g->initializer = grown;
    Onnx__TensorProto *t = make_tensor(name, elem_type, rank, dims, bytes, data);
    if (!t) {
        nomem(b);
        return NULL;
    }
    g->initializer[g->n_initializer++] = t;
    return t->raw_data.data;
}

void frmi_onnx_initializer_f32(frmi_onnx_builder *b, const char *name, int rank,
                               const int64_t *dims, const float *data)
{
    add_initializer(b, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, sizeof(float), rank, dims,
                    data);
}

float *frmi_onnx_initializer_f32_fill(frmi_onnx_builder *b, const char *name, int rank,
                                      const int64_t *dims)
{
    /* malloc's memory is aligned for any type, float included. */
    return add_initializer(b, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, sizeof(float), rank,
                           dims, NULL);
}

void frmi_onnx_initializer_i64(frmi_onnx_builder *b, const char *name, int rank,
                               const int64_t *dims, const int64_t *data)
{
    add_initializer(b, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, sizeof(int64_t), rank, dims,
                    data);
}

/* --- nodes --------------------------------------------------------------- */

/* Copies `n` names into a new array; NULL when out of memory. */
static char **copy_names(int n, const char *const *names)
{
    char **out = calloc((size_t)n, sizeof *out);
    for (int i = 0; out && i < n; i++) {
        if (!(out[i] = dup_str(names[i]))) {
            for (int j = 0; j < i; j++)
                free(out[j]);
            free(out);
            out = NULL;
        }
    }
    return out;
}

static int check_names(frmi_onnx_builder *b, const char *op, const char *what, int n,
                       const char *const *names)
{
    if (n < 0) {
        bad(b, "node '%s': %d %ss", op, n, what);
        return 0;
    }
    if (n > 0 && !names) {
        bad(b, "node '%s': %d %ss but no names", op, n, what);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (!names[i]) {
            bad(b, "node '%s': %s %d is NULL (\"\" omits an optional input)", op, what, i);
            return 0;
        }
    }
    return 1;
}

frmi_onnx_node *frmi_onnx_node_add_domain(frmi_onnx_builder *b, const char *domain,
                                          const char *op, const char *name,
                                          int n_in, const char *const *inputs,
                                          int n_out, const char *const *outputs)
{
    if (failed(b))
        return NULL;
    if (!op) {
        bad(b, "node op type is NULL");
        return NULL;
    }
    if (!check_names(b, op, "input", n_in, inputs) ||
        !check_names(b, op, "output", n_out, outputs))
        return NULL;
    /* "" and "ai.onnx" both name the default domain, imported already. */
    if (domain && (!*domain || strcmp(domain, "ai.onnx") == 0))
        domain = NULL;
    if (domain) {
        int known = 0;
        for (size_t i = 0; i < b->model->n_opset_import && !known; i++)
            known = strcmp(b->model->opset_import[i]->domain, domain) == 0;
        if (!known) {
            add_opset(b, domain, 1);
            if (failed(b))
                return NULL;
        }
    }

    Onnx__GraphProto *g = b->graph;
    void *grown = grow(g->node, g->n_node, &b->node_cap, sizeof *g->node);
    if (!grown) {
        nomem(b);
        return NULL;
    }
    g->node = grown;
    frmi_onnx_node *n = malloc(sizeof *n);
    if (!n) {
        nomem(b);
        return NULL;
    }
    onnx__node_proto__init(&n->proto);
    n->b = b;
    n->attr_cap = 0;
    Onnx__NodeProto *p = &n->proto;
    if ((p->op_type = dup_str(op)) && (!name || (p->name = dup_str(name))) &&
        (!domain || (p->domain = dup_str(domain))) &&
        (n_in == 0 || (p->input = copy_names(n_in, inputs))) &&
        (n_out == 0 || (p->output = copy_names(n_out, outputs)))) {
        p->n_input = (size_t)n_in;
        p->n_output = (size_t)n_out;
        g->node[g->n_node++] = p;
        return n;
    }
    p->n_input = p->input ? (size_t)n_in : 0;
    free_message(p);
    nomem(b);
    return NULL;
}

frmi_onnx_node *frmi_onnx_node_add(frmi_onnx_builder *b, const char *op, const char *name,
                                   int n_in, const char *const *inputs,
                                   int n_out, const char *const *outputs)
{
    return frmi_onnx_node_add_domain(b, NULL, op, name, n_in, inputs, n_out, outputs);
}

/* --- attributes ---------------------------------------------------------- */

static const char *node_label(const frmi_onnx_node *n)
{
    return n->proto.name ? n->proto.name : n->proto.op_type;
}

/*
 * A new attribute `name` of `type` appended to node n, for the caller to
 * fill; NULL after a failure.  If filling it fails, the caller calls
 * drop_attr.
 */
static Onnx__AttributeProto *new_attr(frmi_onnx_node *n, const char *name,
                                      Onnx__AttributeProto__AttributeType type)
{
    if (!n || failed(n->b))
        return NULL;
    frmi_onnx_builder *b = n->b;
    Onnx__NodeProto *p = &n->proto;
    if (!name) {
        bad(b, "node '%s': attribute name is NULL", node_label(n));
        return NULL;
    }
    for (size_t i = 0; i < p->n_attribute; i++) {
        if (strcmp(p->attribute[i]->name, name) == 0) {
            bad(b, "node '%s': attribute '%s' set twice", node_label(n), name);
            return NULL;
        }
    }
    void *grown = grow(p->attribute, p->n_attribute, &n->attr_cap, sizeof *p->attribute);
    if (!grown) {
        nomem(b);
        return NULL;
    }
    p->attribute = grown;
    Onnx__AttributeProto *a = malloc(sizeof *a);
    if (!a) {
        nomem(b);
        return NULL;
    }
    onnx__attribute_proto__init(a);
    if (!(a->name = dup_str(name))) {
        free(a);
        nomem(b);
        return NULL;
    }
    a->has_type = 1;
    a->type = type;
    p->attribute[p->n_attribute++] = a;
    return a;
}

/* Removes the last attribute of n, which ran out of memory being filled. */
static void drop_attr(frmi_onnx_node *n)
{
    Onnx__NodeProto *p = &n->proto;
    free_message(p->attribute[--p->n_attribute]);
    nomem(n->b);
}

void frmi_onnx_attr_int(frmi_onnx_node *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) {
        a->has_i = 1;
        a->i = v;
    }
}

void frmi_onnx_attr_float(frmi_onnx_node *n, const char *name, float v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) {
        a->has_f = 1;
        a->f = v;
    }
}

/* Checks a list's pointer before an attribute is created for it. */
static int list_ok(frmi_onnx_node *n, const char *name, size_t count, const void *v)
{
    if (!n || failed(n->b))
        return 0;
    if (count > 0 && !v) {
        bad(n->b, "node '%s': attribute '%s' has %zu values but no array", node_label(n),
            show(name), count);
        return 0;
    }
    return 1;
}

void frmi_onnx_attr_ints(frmi_onnx_node *n, const char *name, size_t count, const int64_t *v)
{
    if (!list_ok(n, name, count, v))
        return;
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    if (!a || count == 0)
        return;
    if (count > SIZE_MAX / sizeof *a->ints || !(a->ints = malloc(count * sizeof *a->ints))) {
        drop_attr(n);
        return;
    }
    memcpy(a->ints, v, count * sizeof *a->ints);
    a->n_ints = count;
}

void frmi_onnx_attr_floats(frmi_onnx_node *n, const char *name, size_t count, const float *v)
{
    if (!list_ok(n, name, count, v))
        return;
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    if (!a || count == 0)
        return;
    if (count > SIZE_MAX / sizeof *a->floats ||
        !(a->floats = malloc(count * sizeof *a->floats))) {
        drop_attr(n);
        return;
    }
    memcpy(a->floats, v, count * sizeof *a->floats);
    a->n_floats = count;
}

void frmi_onnx_attr_string(frmi_onnx_node *n, const char *name, const char *v)
{
    if (!n || failed(n->b))
        return;
    if (!v) {
        bad(n->b, "node '%s': string attribute '%s' is NULL", node_label(n), show(name));
        return;
    }
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    if (!a)
        return;
    size_t len = strlen(v);
    if (!(a->s.data = malloc(len ? len : 1))) {
        drop_attr(n);
        return;
    }
    memcpy(a->s.data, v, len);
    a->s.len = len;
    a->has_s = 1;
}

static void attr_tensor(frmi_onnx_node *n, const char *name, int32_t elem_type,
                        size_t elem_size, int rank, const int64_t *dims, const void *data)
{
    if (!n || failed(n->b))
        return;
    size_t bytes;
    if (!tensor_bytes(n->b, "tensor attribute", show(name), rank, dims, elem_size, &bytes))
        return;
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    if (a && !(a->t = make_tensor(NULL, elem_type, rank, dims, bytes, data)))
        drop_attr(n);
}

void frmi_onnx_attr_tensor_f32(frmi_onnx_node *n, const char *name, int rank,
                               const int64_t *dims, const float *data)
{
    attr_tensor(n, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, sizeof(float), rank, dims, data);
}

void frmi_onnx_attr_tensor_i64(frmi_onnx_node *n, const char *name, int rank,
                               const int64_t *dims, const int64_t *data)
{
    attr_tensor(n, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, sizeof(int64_t), rank, dims,
                data);
}

/* --- serializing --------------------------------------------------------- */

frm_code frmi_onnx_serialize(frmi_onnx_builder *b, uint8_t **out, size_t *len, frm_error *err)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!b || !out || !len)
        return frmi_fail(err, FRM_E_ARGUMENT, "frmi_onnx_serialize: NULL argument");
    if (b->err.code != FRM_OK)
        return frmi_fail(err, b->err.code, "%s", b->err.message);
    size_t size = onnx__model_proto__get_packed_size(b->model);
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return frmi_nomem(err);
    size_t packed = onnx__model_proto__pack(b->model, buf);
    if (packed != size) {
        free(buf);
        return frmi_fail(err, FRM_E_MODEL, "graph '%s': packed %zu bytes, expected %zu",
                         b->graph->name, packed, size);
    }
    *out = buf;
    *len = size;
    return FRM_OK;
}

/* A ProtobufCBuffer appending to a FILE; keeps the first write error. */
typedef struct file_buffer {
    ProtobufCBuffer base; /* first, so the callback can cast back */
    FILE *f;
    int error;
} file_buffer;

static void file_append(ProtobufCBuffer *buffer, size_t len, const uint8_t *data)
{
    file_buffer *fb = (file_buffer *)buffer;
    if (!fb->error && len > 0 && fwrite(data, 1, len, fb->f) != len)
        fb->error = errno ? errno : EIO;
}

/* Writes `len` bytes; 0 on failure. */
static int write_block(FILE *f, const uint8_t *data, size_t len)
{
    return len == 0 || fwrite(data, 1, len, f) == len;
}

/* --- external data ------------------------------------------------------- */

/* One initializer moved out for the duration of a write. */
typedef struct moved_tensor {
    Onnx__TensorProto *t;
    ProtobufCBinaryData raw;                  /* its raw data, put back after */
    Onnx__StringStringEntryProto entry[3];    /* location, offset, length */
    Onnx__StringStringEntryProto *entries[3];
    char offset[24], length[24];
} moved_tensor;

/* Puts the moved initializers back as they were. */
static void restore_tensors(moved_tensor *moved, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        Onnx__TensorProto *t = moved[i].t;
        t->has_raw_data = 1;
        t->raw_data = moved[i].raw;
        t->n_external_data = 0;
        t->external_data = NULL;
        t->has_data_location = 0;
        t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT;
    }
}

/*
 * Writes the raw data of large initializers to `af` (at offsets aligned to
 * EXTERNAL_ALIGN) and points the initializers at it.  `moved` has room for
 * every initializer; *n_moved counts those moved, which the caller restores
 * whatever happens.
 */
static frm_code move_tensors(frmi_onnx_builder *b, const char *location, size_t min_bytes,
                             frmi_output *af, moved_tensor *moved, size_t *n_moved,
                             frm_error *err)
{
    static const uint8_t zeros[EXTERNAL_ALIGN];
    Onnx__GraphProto *g = b->graph;
    uint64_t offset = 0;
    for (size_t i = 0; i < g->n_initializer; i++) {
        Onnx__TensorProto *t = g->initializer[i];
        if (!t->has_raw_data || t->raw_data.len < min_bytes)
            continue;
        size_t pad = (size_t)((EXTERNAL_ALIGN - offset % EXTERNAL_ALIGN) % EXTERNAL_ALIGN);
        if (!write_block(af->f, zeros, pad) ||
            !write_block(af->f, t->raw_data.data, t->raw_data.len))
            return frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", af->path,
                             strerror(errno ? errno : EIO));
        offset += pad;

        moved_tensor *m = &moved[(*n_moved)++];
        m->t = t;
        m->raw = t->raw_data;
        snprintf(m->offset, sizeof m->offset, "%llu", (unsigned long long)offset);
        snprintf(m->length, sizeof m->length, "%llu", (unsigned long long)t->raw_data.len);
        const char *keys[3] = {"location", "offset", "length"};
        char *values[3] = {(char *)location, m->offset, m->length};
        for (int k = 0; k < 3; k++) {
            onnx__string_string_entry_proto__init(&m->entry[k]);
            /* Packed only, never freed: the const casts stay harmless. */
            m->entry[k].key = (char *)keys[k];
            m->entry[k].value = values[k];
            m->entries[k] = &m->entry[k];
        }
        t->has_raw_data = 0;
        t->raw_data.data = NULL;
        t->raw_data.len = 0;
        t->n_external_data = 3;
        t->external_data = m->entries;
        t->has_data_location = 1;
        t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        offset += m->raw.len;
    }
    return FRM_OK;
}

/* Is `name` a plain file name, fit for external data beside the model? */
static int plain_name(const char *name)
{
    return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* --- writing ------------------------------------------------------------- */

frm_code frmi_onnx_write(frmi_onnx_builder *b, const char *path,
                         const frmi_onnx_write_options *opt, frm_error *err)
{
    if (!b || !path || !*path)
        return frmi_fail(err, FRM_E_ARGUMENT, "frmi_onnx_write: no builder or no path");
    if (b->err.code != FRM_OK)
        return frmi_fail(err, b->err.code, "%s", b->err.message);

    const char *location = opt ? opt->external_data : NULL;
    char *data_path = NULL;
    if (location) {
        if (!plain_name(location))
            return frmi_fail(err, FRM_E_ARGUMENT,
                             "external data '%s' for '%s' is not a plain file name", location,
                             path);
        const char *slash = strrchr(path, '/');
        size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
        if (strcmp(path + dir_len, location) == 0)
            return frmi_fail(err, FRM_E_ARGUMENT,
                             "external data '%s' would replace the model '%s'", location, path);
        if (!(data_path = malloc(dir_len + strlen(location) + 1)))
            return frmi_nomem(err);
        memcpy(data_path, path, dir_len);
        strcpy(data_path + dir_len, location);
    }

    Onnx__GraphProto *g = b->graph;
    size_t min_bytes = opt ? opt->external_min_bytes : 0;
    size_t n_external = 0;
    for (size_t i = 0; location && i < g->n_initializer; i++)
        n_external += g->initializer[i]->has_raw_data &&
                      g->initializer[i]->raw_data.len >= min_bytes;

    frm_code rc = FRM_OK;
    moved_tensor *moved = NULL;
    size_t n_moved = 0;
    /* util/output.h: temporaries renamed into place, removed on errors and signals */
    frmi_output data = {NULL, NULL, NULL, -1}, model = {NULL, NULL, NULL, -1};
    /* The data file only when some initializer goes to it. */
    if (n_external > 0) {
        if (!(moved = calloc(n_external, sizeof *moved)))
            rc = frmi_nomem(err);
        if (rc == FRM_OK)
            rc = frmi_output_open(&data, data_path, err);
        if (rc == FRM_OK)
            rc = move_tensors(b, location, min_bytes, &data, moved, &n_moved, err);
        if (rc == FRM_OK)
            rc = frmi_output_close(&data, err);
    }
    if (rc == FRM_OK)
        rc = frmi_output_open(&model, path, err);
    if (rc == FRM_OK) {
        file_buffer fb = {{file_append}, model.f, 0};
        errno = 0;
        protobuf_c_message_pack_to_buffer(&b->model->base, &fb.base);
        if (fb.error)
            rc = frmi_fail(err, FRM_E_IO, "cannot write '%s': %s", path, strerror(fb.error));
    }
    restore_tensors(moved, n_moved);
    if (rc == FRM_OK)
        rc = frmi_output_close(&model, err);
    /* The data first: a model never names a file that is not there yet. */
    if (rc == FRM_OK && data.path)
        rc = frmi_output_rename(&data, err);
    if (rc == FRM_OK)
        rc = frmi_output_rename(&model, err);
    frmi_output_abort(&data);
    frmi_output_abort(&model);
    free(moved);
    free(data_path);
    return rc;
}
