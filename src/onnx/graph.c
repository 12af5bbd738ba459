/*
 * onnx/graph.c - from an unpacked ONNX model to the graph frm analyses:
 * names resolved to values, inputs shaped, small initializers loaded as
 * constants, nodes in topological order.
 */
#include "onnx/graph.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/jsonw.h"

/* --- arena --------------------------------------------------------------- */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[];
} arena_chunk;

struct frmi_arena {
    arena_chunk *head;
};

void *frmi_graph_alloc(frmi_graph *g, size_t size)
{
    if (!g->arena) {
        g->arena = calloc(1, sizeof *g->arena);
        if (!g->arena)
            return NULL;
    }
    size_t align = sizeof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = (size + align - 1) / align * align;
    arena_chunk *c = g->arena->head;
    if (!c || c->size - c->used < size) {
        size_t want = size > 65536 ? size : 65536;
        c = malloc(sizeof *c + want);
        if (!c)
            return NULL;
        c->size = want;
        c->used = 0;
        c->next = g->arena->head;
        g->arena->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *frmi_graph_printf(frmi_graph *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = frmi_graph_alloc(g, (size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

frmi_const *frmi_const_new(frmi_graph *g, size_t n, int is_float)
{
    if (n > FRMI_CONST_MAX)
        return NULL;
    frmi_const *c = frmi_graph_alloc(g, sizeof *c);
    if (!c)
        return NULL;
    c->n = n;
    size_t bytes = (n ? n : 1) * 8;
    if (is_float)
        c->f = frmi_graph_alloc(g, bytes);
    else
        c->i = frmi_graph_alloc(g, bytes);
    return (c->f || c->i) ? c : NULL;
}

int64_t frmi_value_numel(const frmi_value *v)
{
    if (v->rank < 0)
        return -1;
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++)
        if (v->dims[i] < 0)
            return -1;
    for (int i = 0; i < v->rank; i++)
        if (v->dims[i] == 0)
            return 0;           /* [2^60, 2^60, 0] is empty, not too big */
    for (int i = 0; i < v->rank; i++) {
        if (n > INT64_MAX / v->dims[i])
            return -1;
        n *= v->dims[i];
    }
    return n;
}

/* --- attributes ------------------------------------------------------------ */

const Onnx__AttributeProto *frmi_attr_find(const frmi_node *n, const char *name)
{
    if (!n->proto)
        return NULL;
    for (size_t i = 0; i < n->proto->n_attribute; i++) {
        const Onnx__AttributeProto *a = n->proto->attribute[i];
        if (a && a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* Files from old exporters leave `type` unset; the filled field then tells. */
static int attr_is(const Onnx__AttributeProto *a, Onnx__AttributeProto__AttributeType t)
{
    if (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
        return a->type == t;
    switch (t) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return a->has_i;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return a->has_f;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return a->has_s;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return a->n_ints > 0;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return a->n_floats > 0;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return a->t != NULL;
    default: return 0;
    }
}

int frmi_attr_int(const frmi_node *n, const char *name, int64_t *out)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT))
        return -1;
    *out = a->i;
    return 1;
}

int64_t frmi_attr_int_or(const frmi_node *n, const char *name, int64_t dflt)
{
    int64_t v;
    return frmi_attr_int(n, name, &v) == 1 ? v : dflt;
}

int frmi_attr_float(const frmi_node *n, const char *name, double *out)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT))
        return -1;
    *out = a->f;
    return 1;
}

int frmi_attr_string(const frmi_node *n, const char *name, const char **out, size_t *len)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING))
        return -1;
    *out = (const char *)a->s.data;
    *len = a->s.len;
    return 1;
}

int frmi_attr_ints(const frmi_node *n, const char *name, const int64_t **out, size_t *count)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))
        return -1;
    *out = a->ints;
    *count = a->n_ints;
    return 1;
}

int frmi_attr_floats(const frmi_node *n, const char *name, const float **out, size_t *count)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS))
        return -1;
    *out = a->floats;
    *count = a->n_floats;
    return 1;
}

int frmi_attr_tensor(const frmi_node *n, const char *name, const Onnx__TensorProto **out)
{
    const Onnx__AttributeProto *a = frmi_attr_find(n, name);
    if (!a)
        return 0;
    if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR) || !a->t)
        return -1;
    *out = a->t;
    return 1;
}

/* --- building ---------------------------------------------------------------- */

typedef struct build {
    frmi_graph *g;
    const frmi_onnx_model *model;
    const char *file;
    frm_error *err;
    size_t cap_values;
} build;

static frm_code nomem(build *b)
{
    return frmi_nomem(b->err);
}

/* The value called `name`, created (unknown, unproduced) when new; -1 when
 * out of memory. */
static int value_of(build *b, const char *name)
{
    frmi_graph *g = b->g;
    uint32_t id = frmi_pool_intern(&g->names, name);
    if (id == FRMI_NONE)
        return -1;
    uint64_t *slot = frmi_map_get(&g->by_name, (uint64_t)id + 1);
    if (slot)
        return (int)*slot;
    if (g->n_values == b->cap_values) {
        size_t cap = b->cap_values ? b->cap_values * 2 : 256;
        if (cap > INT_MAX)
            return -1;
        frmi_value *nv = realloc(g->values, cap * sizeof *nv);
        if (!nv)
            return -1;
        g->values = nv;
        b->cap_values = cap;
    }
    frmi_value *v = &g->values[g->n_values];
    memset(v, 0, sizeof *v);
    v->name = frmi_pool_str(&g->names, id);
    v->rank = -1;
    v->producer = -1;
    v->last_use = -1;
    if (frmi_map_put(&g->by_name, (uint64_t)id + 1, g->n_values) != FRM_OK)
        return -1;
    return (int)g->n_values++;
}

static int find_value(const frmi_graph *g, const char *name)
{
    uint32_t id = frmi_pool_find(&g->names, name);
    if (id == FRMI_NONE)
        return -1;
    const uint64_t *slot = frmi_map_get(&g->by_name, (uint64_t)id + 1);
    return slot ? (int)*slot : -1;
}

static int64_t read_le(const uint8_t *p, size_t width)
{
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (uint64_t)p[i] << (8 * i);
    if (width < 8 && (v >> (8 * width - 1)) & 1)
        v |= ~(uint64_t)0 << (8 * width);   /* sign-extend */
    return (int64_t)v;
}

static double read_float_le(const uint8_t *p, int elem_type)
{
    if (elem_type == FRMI_T_DOUBLE) {
        uint64_t u = (uint64_t)read_le(p, 8);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    uint32_t u = (uint32_t)read_le(p, 4);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/*
 * The contents of a small integer or float tensor as a constant, or NULL
 * when it is too large, of another type, or its bytes are not at hand.
 */
static frmi_const *load_const(frmi_graph *g, const Onnx__TensorProto *t, const frmi_tensor_info *ti,
                              int *nomem_out)
{
    int type = ti->elem_type;
    int is_int = type == FRMI_T_INT64 || type == FRMI_T_INT32 || type == FRMI_T_INT8 ||
                 type == FRMI_T_UINT8 || type == FRMI_T_INT16 || type == FRMI_T_BOOL;
    int is_float = type == FRMI_T_FLOAT || type == FRMI_T_DOUBLE;
    if ((!is_int && !is_float) || ti->numel > FRMI_CONST_MAX)
        return NULL;
    if (ti->where != FRMI_DATA_INLINE && ti->where != FRMI_DATA_TYPED)
        return NULL;
    size_t n = (size_t)ti->numel, w = frmi_elem_size(type);
    frmi_const *c = frmi_const_new(g, n, is_float);
    if (!c) {
        *nomem_out = 1;
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        if (ti->where == FRMI_DATA_INLINE) {
            const uint8_t *p = ti->raw + k * w;
            if (is_float)
                c->f[k] = read_float_le(p, type);
            else if (type == FRMI_T_UINT8 || type == FRMI_T_BOOL)
                c->i[k] = p[0];
            else
                c->i[k] = read_le(p, w);
        } else if (type == FRMI_T_INT64) {
            c->i[k] = t->int64_data[k];
        } else if (is_int) {
            c->i[k] = t->int32_data[k];
        } else if (type == FRMI_T_FLOAT) {
            c->f[k] = t->float_data[k];
        } else {
            c->f[k] = t->double_data[k];
        }
    }
    return c;
}

frm_code frmi_graph_load_tensor(frmi_graph *g, const frmi_onnx_model *model,
                                const Onnx__TensorProto *t, const char *what,
                                frmi_value *v, frm_error *err)
{
    frmi_tensor_info ti;
    frm_code rc = frmi_tensor_describe(model, t, what, &ti, err);
    if (rc != FRM_OK)
        return rc;
    if (ti.rank > FRMI_MAX_RANK)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s has rank %d; frm handles up to %d",
                         model->path, what, ti.rank, FRMI_MAX_RANK);
    v->elem_type = ti.elem_type;
    v->rank = ti.rank;
    for (int i = 0; i < ti.rank; i++)
        v->dims[i] = t->dims[i];
    int oom = 0;
    v->cval = load_const(g, t, &ti, &oom);
    return oom ? frmi_nomem(err) : FRM_OK;
}

static frm_code add_initializers(build *b, const Onnx__GraphProto *gp)
{
    frmi_graph *g = b->g;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        if (!t->name || !*t->name)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: initializer #%zu has no name", b->file, i);
        int vi = value_of(b, t->name);
        if (vi < 0)
            return nomem(b);
        frmi_value *v = &g->values[vi];
        if (v->is_initializer)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: two initializers are named '%s'", b->file, t->name);
        v->is_initializer = 1;
        char what[300];
        snprintf(what, sizeof what, "initializer '%.250s'", t->name);
        frm_code rc = frmi_graph_load_tensor(g, b->model, t, what, v, b->err);
        if (rc != FRM_OK)
            return rc;
    }
    if (gp->n_sparse_initializer)
        return frmi_fail(b->err, FRM_E_MODEL, "%s: sparse initializers are not supported", b->file);
    return FRM_OK;
}

static const frm_input_shape *find_override(const frm_profile_options *opt, const char *name)
{
    for (size_t i = 0; i < opt->n_inputs; i++)
        if (strcmp(opt->inputs[i].name, name) == 0)
            return &opt->inputs[i];
    return NULL;
}

/*
 * The declared shape of an input, its symbolic leading dim set to `batch`.
 * Returns the index of the first other symbolic dim (its name in *param,
 * "" when unnamed), or -1 when there is none.
 */
static int shape_from_type(frmi_value *v, const Onnx__TypeProto *tp, int64_t batch,
                           const char **param)
{
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return -1;
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (tt->has_elem_type)
        v->elem_type = tt->elem_type;
    if (!tt->shape || tt->shape->n_dim > FRMI_MAX_RANK)
        return -1;
    v->rank = (int)tt->shape->n_dim;
    int unresolved = -1;
    for (int i = 0; i < v->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value >= 0) {
            v->dims[i] = d->dim_value;
        } else {
            v->dims[i] = batch;
            if (i > 0 && unresolved < 0) {
                unresolved = i;
                *param = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                                 d->dim_param ? d->dim_param : "";
            }
        }
    }
    return unresolved;
}

/* "1x3xHxW" of a declared shape, symbolic dims by name ("?" unnamed). */
static void declared_shape(const Onnx__TypeProto *tp, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    const Onnx__TensorShapeProto *s = tp->tensor_type->shape;
    for (size_t i = 0; i < s->n_dim && n + 1 < size; i++) {
        const Onnx__TensorShapeProto__Dimension *d = s->dim[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            n += (size_t)snprintf(out + n, size - n, "%s%lld", i ? "x" : "", (long long)d->dim_value);
        else
            n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "x" : "",
                                  d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                                          d->dim_param && *d->dim_param ? d->dim_param : "?");
    }
}

static frm_code add_inputs(build *b, const Onnx__GraphProto *gp, const frm_profile_options *opt)
{
    frmi_graph *g = b->g;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *in = gp->input[i];
        if (!in->name || !*in->name)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: graph input #%zu has no name", b->file, i);
        int vi = value_of(b, in->name);
        if (vi < 0)
            return nomem(b);
        frmi_value *v = &g->values[vi];
        /* An initializer listed as an input (IR < 4) is a weight with a
         * default; frm counts it as a weight. */
        if (v->is_initializer)
            continue;
        if (v->is_input)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: two graph inputs are named '%s'", b->file, in->name);
        v->is_input = 1;
        const char *param = NULL;
        int unresolved = shape_from_type(v, in->type, g->batch, &param);
        const frm_input_shape *o = find_override(opt, in->name);
        if (o) {
            v->rank = (int)o->rank;
            memcpy(v->dims, o->dims, o->rank * sizeof o->dims[0]);
            continue;
        }
        char shape[256];
        if (unresolved >= 0) {
            declared_shape(in->type, shape, sizeof shape);
            return frmi_fail(b->err, FRM_E_ARGUMENT, "%s: input '%s' has shape %s: dimension %d "
                             "('%s') is symbolic and frm does not guess it; give the shape with "
                             "--input %s=...", b->file, in->name, shape, unresolved,
                             *param ? param : "?", in->name);
        }
        const Onnx__TensorShapeProto__Dimension *lead =
            v->rank > 0 && in->type->tensor_type->shape ? in->type->tensor_type->shape->dim[0] : NULL;
        if (opt->batch_given && lead &&
            lead->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
            lead->dim_value != opt->batch) {
            declared_shape(in->type, shape, sizeof shape);
            return frmi_fail(b->err, FRM_E_ARGUMENT, "%s: input '%s' has a fixed batch of %lld "
                             "(shape %s); --batch %lld contradicts it", b->file, in->name,
                             (long long)lead->dim_value, shape, (long long)opt->batch);
        }
    }
    for (size_t i = 0; i < opt->n_inputs; i++) {
        int vi = find_value(g, opt->inputs[i].name);
        if (vi < 0 || !g->values[vi].is_input) {
            frmi_buf names;
            frmi_buf_init(&names);
            for (size_t k = 0; k < g->n_values; k++)
                if (g->values[k].is_input)
                    frmi_buf_printf(&names, "%s'%s'", names.len ? ", " : "", g->values[k].name);
            frm_code rc = frmi_fail(b->err, FRM_E_ARGUMENT, "%s: --input %s: the model has no input of that name (inputs: %s)",
                                    b->file, opt->inputs[i].name, names.len ? names.data : "none");
            frmi_buf_release(&names);
            return rc;
        }
    }
    return FRM_OK;
}

static const char *domain_op(frmi_graph *g, const Onnx__NodeProto *np)
{
    const char *op = np->op_type ? np->op_type : "";
    if (!np->domain || !*np->domain || strcmp(np->domain, "ai.onnx") == 0)
        return frmi_pool_str(&g->names, frmi_pool_intern(&g->names, op));
    char *s = frmi_graph_printf(g, "%s:%s", np->domain, op);
    return s;
}

static frm_code add_nodes(build *b, const Onnx__GraphProto *gp)
{
    frmi_graph *g = b->g;
    if (gp->n_node > INT_MAX / 2)
        return frmi_fail(b->err, FRM_E_MODEL, "%s: too many nodes", b->file);
    g->n_nodes = gp->n_node;
    g->nodes = frmi_graph_alloc(g, (gp->n_node ? gp->n_node : 1) * sizeof *g->nodes);
    if (!g->nodes)
        return nomem(b);
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        frmi_node *n = &g->nodes[i];
        n->proto = np;
        if (!np->op_type || !*np->op_type)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: node #%zu has no op_type", b->file, i);
        n->op = domain_op(g, np);
        if (!n->op)
            return nomem(b);
        n->name = np->name && *np->name ? np->name : frmi_graph_printf(g, "%s#%zu", np->op_type, i);
        if (!n->name)
            return nomem(b);
        if (np->n_input > INT_MAX || np->n_output > INT_MAX)
            return frmi_fail(b->err, FRM_E_MODEL, "%s: node '%s' has too many inputs", b->file, n->name);
        n->n_in = (int)np->n_input;
        n->n_out = (int)np->n_output;
        n->in = frmi_graph_alloc(g, (np->n_input + 1) * sizeof *n->in);
        n->out = frmi_graph_alloc(g, (np->n_output + 1) * sizeof *n->out);
        if (!n->in || !n->out)
            return nomem(b);
        for (int k = 0; k < n->n_in; k++) {
            const char *name = np->input[k];
            n->in[k] = (name && *name) ? value_of(b, name) : -1;
            if (name && *name && n->in[k] < 0)
                return nomem(b);
        }
        for (int k = 0; k < n->n_out; k++) {
            const char *name = np->output[k];
            if (!name || !*name) {
                n->out[k] = -1;
                continue;
            }
            int vi = value_of(b, name);
            if (vi < 0)
                return nomem(b);
            frmi_value *v = &g->values[vi];
            if (v->producer >= 0)
                return frmi_fail(b->err, FRM_E_MODEL, "%s: tensor '%s' is the output of two nodes, '%s' and '%s'",
                                 b->file, name, g->nodes[v->producer].name, n->name);
            if (v->is_initializer || v->is_input)
                return frmi_fail(b->err, FRM_E_MODEL, "%s: node '%s' writes tensor '%s', which is also a graph %s",
                                 b->file, n->name, name, v->is_initializer ? "initializer" : "input");
            v->producer = (int)i;
            n->out[k] = vi;
        }
    }
    return FRM_OK;
}

static frm_code check_sources(build *b)
{
    frmi_graph *g = b->g;
    for (size_t i = 0; i < g->n_nodes; i++) {
        const frmi_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++) {
            if (n->in[k] < 0)
                continue;
            frmi_value *v = &g->values[n->in[k]];
            if (v->producer < 0 && !v->is_initializer && !v->is_input)
                return frmi_fail(b->err, FRM_E_MODEL,
                                 "%s: node '%s' (%s) reads '%s', which is no graph input, initializer or node output",
                                 b->file, n->name, n->op, v->name);
            v->n_consumers++;
        }
    }
    return FRM_OK;
}

/* Kahn's algorithm taking the lowest ready index first: a file already in
 * topological order (as ONNX requires) keeps its order. */
static frm_code order_nodes(build *b)
{
    frmi_graph *g = b->g;
    size_t nn = g->n_nodes;
    g->order = frmi_graph_alloc(g, (nn + 1) * sizeof *g->order);
    int *pending = calloc(nn + 1, sizeof *pending);
    int *heap = malloc((nn + 1) * sizeof *heap);
    /* consumers of each value, as a CSR list */
    size_t *start = calloc(g->n_values + 1, sizeof *start);
    int *users = NULL;
    frm_code rc = FRM_OK;
    if (!g->order || !pending || !heap || !start) {
        rc = nomem(b);
        goto done;
    }
    size_t edges = 0;
    for (size_t i = 0; i < nn; i++)
        for (int k = 0; k < g->nodes[i].n_in; k++) {
            int vi = g->nodes[i].in[k];
            if (vi >= 0 && g->values[vi].producer >= 0) {
                start[vi + 1]++;
                edges++;
                pending[i]++;
            }
        }
    for (size_t v = 0; v < g->n_values; v++)
        start[v + 1] += start[v];
    users = malloc((edges + 1) * sizeof *users);
    size_t *fill = calloc(g->n_values + 1, sizeof *fill);
    if (!users || !fill) {
        free(fill);
        rc = nomem(b);
        goto done;
    }
    for (size_t i = 0; i < nn; i++)
        for (int k = 0; k < g->nodes[i].n_in; k++) {
            int vi = g->nodes[i].in[k];
            if (vi >= 0 && g->values[vi].producer >= 0)
                users[start[vi] + fill[vi]++] = (int)i;
        }
    free(fill);

    size_t heap_n = 0, done_n = 0;
    for (size_t i = 0; i < nn; i++)
        if (pending[i] == 0)
            heap[heap_n++] = (int)i;    /* ascending: already a heap */
    while (heap_n) {
        int top = heap[0];
        heap[0] = heap[--heap_n];
        for (size_t p = 0;;) {          /* sift down */
            size_t l = 2 * p + 1, r = l + 1, m = p;
            if (l < heap_n && heap[l] < heap[m]) m = l;
            if (r < heap_n && heap[r] < heap[m]) m = r;
            if (m == p) break;
            int t = heap[p]; heap[p] = heap[m]; heap[m] = t;
            p = m;
        }
        g->order[done_n++] = top;
        const frmi_node *n = &g->nodes[top];
        for (int k = 0; k < n->n_out; k++) {
            int vi = n->out[k];
            if (vi < 0)
                continue;
            for (size_t u = start[vi]; u < start[vi + 1]; u++) {
                int user = users[u];
                if (--pending[user] == 0) {
                    size_t c = heap_n++;    /* sift up */
                    heap[c] = user;
                    while (c > 0 && heap[(c - 1) / 2] > heap[c]) {
                        int t = heap[c]; heap[c] = heap[(c - 1) / 2]; heap[(c - 1) / 2] = t;
                        c = (c - 1) / 2;
                    }
                }
            }
        }
    }
    if (done_n != nn) {
        for (size_t i = 0; i < nn; i++)
            if (pending[i] > 0) {
                rc = frmi_fail(b->err, FRM_E_MODEL, "%s: the graph has a cycle through node '%s' (%s)",
                               b->file, g->nodes[i].name, g->nodes[i].op);
                break;
            }
    }
done:
    free(pending);
    free(heap);
    free(start);
    free(users);
    return rc;
}

static frm_code mark_outputs(build *b, const Onnx__GraphProto *gp)
{
    frmi_graph *g = b->g;
    for (size_t i = 0; i < gp->n_value_info; i++) {
        const Onnx__ValueInfoProto *vi = gp->value_info[i];
        int v = vi->name ? find_value(g, vi->name) : -1;
        if (v >= 0)
            g->values[v].declared = vi->type;
    }
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *o = gp->output[i];
        int v = o->name && *o->name ? find_value(g, o->name) : -1;
        if (v < 0 || (g->values[v].producer < 0 && !g->values[v].is_input && !g->values[v].is_initializer))
            return frmi_fail(b->err, FRM_E_MODEL, "%s: graph output '%s' is not produced by any node",
                             b->file, o->name ? o->name : "");
        g->values[v].is_output = 1;
        g->values[v].declared = o->type;
    }
    for (size_t pos = 0; pos < g->n_nodes; pos++) {
        const frmi_node *n = &g->nodes[g->order[pos]];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                g->values[n->in[k]].last_use = (int)pos;
    }
    return FRM_OK;
}

static int64_t default_opset(const Onnx__ModelProto *m)
{
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (!o->domain || !*o->domain || strcmp(o->domain, "ai.onnx") == 0)
            return o->has_version ? o->version : 0;
    }
    return 0;
}

frm_code frmi_graph_build(frmi_graph *g, const frmi_onnx_model *model,
                          const frm_profile_options *opt, const char *file,
                          frm_error *err)
{
    memset(g, 0, sizeof *g);
    frmi_pool_init(&g->names);
    frmi_map_init(&g->by_name);
    g->batch = opt->batch;
    g->model = model;
    g->opset = default_opset(model->proto);
    if (g->opset <= 0)
        return frmi_fail(err, FRM_E_MODEL, "%s: the model imports no version of the ONNX operator set", file);
    build b = { g, model, file, err, 0 };
    const Onnx__GraphProto *gp = model->proto->graph;
    frm_code rc = add_initializers(&b, gp);
    if (rc == FRM_OK)
        rc = add_inputs(&b, gp, opt);
    if (rc == FRM_OK)
        rc = add_nodes(&b, gp);
    if (rc == FRM_OK)
        rc = check_sources(&b);
    if (rc == FRM_OK)
        rc = order_nodes(&b);
    if (rc == FRM_OK)
        rc = mark_outputs(&b, gp);
    return rc;
}

void frmi_graph_release(frmi_graph *g)
{
    if (g->arena) {
        for (arena_chunk *c = g->arena->head, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        free(g->arena);
    }
    free(g->values);
    frmi_pool_release(&g->names);
    frmi_map_release(&g->by_name);
    memset(g, 0, sizeof *g);
}
