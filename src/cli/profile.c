/*
 * cli/profile.c - `frm profile`: static counts of ONNX models.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "frm/profile.h"
#include "util/jsonw.h"

const char profile_usage[] =
    "usage: frm profile [options] MODEL.onnx...\n"
    "\n"
    "Reads ONNX models, infers every tensor's shape (constant-folding the small\n"
    "integer tensors of shape subgraphs) and counts, without running them:\n"
    "\n"
    "  params       elements of floating-point initializers, less the running\n"
    "               mean/var of BatchNormalization (PyTorch's parameter count)\n"
    "  weights      bytes of all initializers\n"
    "  macs         multiply-accumulates of Conv, ConvTranspose, Gemm, MatMul;\n"
    "               Conv: N*Cout*Hout*Wout*(Cin/group)*kH*kW\n"
    "  flops        2*macs, + one per output element for biases and for\n"
    "               element-wise, activation, normalisation, pooling, reduction,\n"
    "               softmax and resize nodes (docs/profile.md lists each op)\n"
    "  activations  output elements of Conv, ConvTranspose, Gemm and MatMul\n"
    "  peak act.    peak bytes of live node outputs, nodes run in file order\n"
    "\n"
    "Nodes frm cannot infer (unsupported operators, unknown input shapes) are\n"
    "listed with the reason; the totals then leave them out and say 'partial'.\n"
    "External tensor data (next to the model) is checked but never read.\n"
    "\n"
    "Options:\n"
    "  -i, --input NAME=SHAPE  shape of graph input NAME, as 1x3x224x224\n"
    "                          (repeatable); overrides the model's own\n"
    "  -b, --batch N           the batch: the value of a symbolic leading dim\n"
    "                          (default 1); a model with a fixed batch keeps it,\n"
    "                          and --batch must agree; other symbolic dims need\n"
    "                          --input\n"
    "      --per-node          add every node: its output shape and counts (JSON,\n"
    "                          CSV) or the heaviest nodes and per-op totals (table)\n"
    "      --top N             nodes the table shows with --per-node (default 15,\n"
    "                          0 for all, which also lists every unknown node)\n"
    "  -f, --format FMT        table (default), json or csv\n"
    "  -h, --help              show this help\n"
    "\n"
    "A model that cannot be read is reported with its file and what is wrong; the\n"
    "other models are still profiled, and the exit status is 1.\n";

#define MAX_INPUTS 64

typedef struct profile_args {
    frm_profile_options opts;
    frm_input_shape inputs[MAX_INPUTS];
    cli_format format;
    long top;
} profile_args;

static int parse_args(int argc, char **argv, profile_args *a)
{
    enum { OPT_PER_NODE = 256, OPT_TOP };
    static const struct option options[] = {
        {"input", required_argument, NULL, 'i'},
        {"batch", required_argument, NULL, 'b'},
        {"per-node", no_argument, NULL, OPT_PER_NODE},
        {"top", required_argument, NULL, OPT_TOP},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":i:b:f:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': {
            if (a->opts.n_inputs == MAX_INPUTS)
                return cli_usage_error("profile", "more than %d --input options", MAX_INPUTS);
            frm_error err;
            if (frm_input_shape_parse(optarg, &a->inputs[a->opts.n_inputs], &err) != FRM_OK)
                return cli_usage_error("profile", "--input %s", err.message);
            a->opts.n_inputs++;
            break;
        }
        case 'b': {
            long long v;
            int rc = cli_parse_int("profile", "--batch", optarg, 1, 1 << 20, &v);
            if (rc != CLI_OK)
                return rc;
            a->opts.batch = v;
            a->opts.batch_given = 1;
            break;
        }
        case OPT_PER_NODE:
            a->opts.per_node = 1;
            break;
        case OPT_TOP: {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || v < 0)
                return cli_usage_error("profile", "--top '%s': expected a whole number, 0 for all", optarg);
            a->top = v;
            break;
        }
        case 'f':
            if (!cli_parse_format(optarg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON | CLI_FORMAT_CSV, &a->format))
                return cli_usage_error("profile", "unknown format '%s' (use table, json or csv)", optarg);
            break;
        case 'h':
            fputs(profile_usage, stdout);
            return -1;
        default:
            return cli_bad_option("profile", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("profile", "no model files");
    a->opts.inputs = a->inputs;
    return CLI_OK;
}

/* 25557032 -> "25.56M"; exact below 10,000. */
static const char *human(char out[32], uint64_t v)
{
    static const char *const units[] = { "", "k", "M", "G", "T", "P" };
    double x = (double)v;
    int u = 0;
    if (v < 10000) {
        snprintf(out, 32, "%" PRIu64, v);
        return out;
    }
    while (x >= 1000 && u < 5) {
        x /= 1000;
        u++;
    }
    snprintf(out, 32, "%.*f%s", x < 10 ? 2 : x < 100 ? 1 : 0, x, units[u]);
    return out;
}

static const char *human_bytes(char out[32], uint64_t v)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double x = (double)v;
    int u = 0;
    while (x >= 1024 && u < 5) {
        x /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, 32, "%" PRIu64 " B", v);
    else
        snprintf(out, 32, "%.*f %s", x < 10 ? 2 : x < 100 ? 1 : 0, x, units[u]);
    return out;
}

static void shape_text(char *out, size_t size, const frm_tensor_shape *s)
{
    if (s->rank < 0) {
        snprintf(out, size, "?");
        return;
    }
    size_t len = 0;
    out[0] = '\0';
    if (s->rank == 0)
        snprintf(out, size, "scalar");
    for (int i = 0; i < s->rank && len < size; i++) {
        int w = s->dims[i] < 0 ? snprintf(out + len, size - len, "%s?", i ? "x" : "")
                               : snprintf(out + len, size - len, "%s%" PRId64, i ? "x" : "", s->dims[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

static int heavier(const void *a, const void *b)
{
    const frm_node_profile *x = *(const frm_node_profile *const *)a, *y = *(const frm_node_profile *const *)b;
    if (x->macs != y->macs)
        return x->macs < y->macs ? 1 : -1;
    if (x->flops != y->flops)
        return x->flops < y->flops ? 1 : -1;
    return x < y ? -1 : x > y;
}

static void print_nodes_table(const frm_profile *p, long top)
{
    char a[32], b[32], shape[96];
    printf("\n%s: %zu nodes, %zu op types\n", p->model, p->n_nodes_total, p->n_ops);
    printf("  %-22s %6s %10s %10s\n", "op", "count", "MACs", "FLOPs");
    for (size_t i = 0; i < p->n_ops; i++)
        printf("  %-22.22s %6" PRIu64 " %10s %10s\n", p->ops[i].op, p->ops[i].count,
               human(a, p->ops[i].macs), human(b, p->ops[i].flops));
    const frm_node_profile **order = malloc((p->n_nodes + 1) * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < p->n_nodes; i++)
        order[i] = &p->nodes[i];
    qsort(order, p->n_nodes, sizeof *order, heavier);
    size_t shown = top == 0 || (size_t)top > p->n_nodes ? p->n_nodes : (size_t)top;
    printf("\n  heaviest nodes%s\n", shown < p->n_nodes ? "" : " (all)");
    printf("  %-30s %-18s %-18s %10s %10s\n", "node", "op", "output", "MACs", "FLOPs");
    for (size_t i = 0; i < shown; i++) {
        const frm_node_profile *n = order[i];
        shape_text(shape, sizeof shape, &n->output);
        printf("  %-30.30s %-18.18s %-18.18s %10s %10s\n", n->name, n->op, shape,
               n->known ? human(a, n->macs) : "?", n->known ? human(b, n->flops) : "?");
    }
    if (shown < p->n_nodes)
        printf("  ... %zu more (--top 0 shows all)\n", p->n_nodes - shown);
    free(order);
}

static void print_table(frm_profile *const *ps, size_t n, const profile_args *a)
{
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
    printf("%-24s %9s %10s %10s %9s %10s %10s  %s\n", "model", "params", "MACs", "FLOPs",
           "act.", "peak act.", "weights", "input");
    for (size_t i = 0; i < n; i++) {
        const frm_profile *p = ps[i];
        char shape[96] = "";
        if (p->n_inputs)
            shape_text(shape, sizeof shape, &p->inputs[0]);
        printf("%-24.24s %9s %10s %10s %9s %10s %10s  %s%s%s\n", p->model, human(b1, p->params),
               human(b2, p->macs), human(b3, p->flops), human(b4, p->activations),
               human_bytes(b5, p->activations_peak_bytes), human_bytes(b6, p->weights_bytes), shape,
               p->n_inputs > 1 ? " (+more)" : "", p->partial ? "  PARTIAL" : "");
    }
    for (size_t i = 0; i < n; i++) {
        const frm_profile *p = ps[i];
        if (p->n_unknown)
            printf("\n%s: totals are partial: %zu of %zu nodes not counted\n", p->model, p->n_unknown,
                   p->n_nodes_total);
        /* Past the first few, unknown nodes are mostly the ones after them. */
        size_t shown = p->n_unknown > 20 && a->top != 0 ? 20 : p->n_unknown;
        for (size_t k = 0; k < shown; k++)
            printf("  %s (%s): %s\n", p->unknown[k].name, p->unknown[k].op, p->unknown[k].reason);
        if (shown < p->n_unknown)
            printf("  ... %zu more (--top 0 or --format json lists all)\n", p->n_unknown - shown);
    }
    if (a->opts.per_node)
        for (size_t i = 0; i < n; i++)
            print_nodes_table(ps[i], a->top);
}

static void json_u64(frmi_jsonw *w, const char *key, uint64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    frmi_jsonw_key(w, key);
    frmi_jsonw_raw(w, tmp);
}

static void json_shape(frmi_jsonw *w, const frm_tensor_shape *s)
{
    if (s->rank < 0) {
        frmi_jsonw_null(w);
        return;
    }
    frmi_jsonw_array(w);
    for (int i = 0; i < s->rank; i++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%" PRId64, s->dims[i]);
        /* Integers as written, never in exponent form (1000, not 1e+03). */
        if (s->dims[i] < 0)
            frmi_jsonw_null(w);
        else
            frmi_jsonw_raw(w, tmp);
    }
    frmi_jsonw_end(w);
}

static void json_tensors(frmi_jsonw *w, const char *key, const frm_tensor_shape *t, size_t n)
{
    frmi_jsonw_key(w, key);
    frmi_jsonw_array(w);
    for (size_t i = 0; i < n; i++) {
        frmi_jsonw_object(w);
        frmi_jsonw_key(w, "name");
        frmi_jsonw_string(w, t[i].name);
        frmi_jsonw_key(w, "type");
        frmi_jsonw_string(w, frm_elem_type_name(t[i].elem_type));
        frmi_jsonw_key(w, "shape");
        json_shape(w, &t[i]);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
}

static void json_profile(frmi_jsonw *w, const frm_profile *p)
{
    frmi_jsonw_object(w);
    frmi_jsonw_key(w, "model");
    frmi_jsonw_string(w, p->model);
    frmi_jsonw_key(w, "file");
    frmi_jsonw_string(w, p->file);
    json_u64(w, "opset", (uint64_t)p->opset);
    json_u64(w, "batch", (uint64_t)p->batch);
    json_u64(w, "params", p->params);
    json_u64(w, "weights_bytes", p->weights_bytes);
    json_u64(w, "macs", p->macs);
    json_u64(w, "flops", p->flops);
    json_u64(w, "activations", p->activations);
    json_u64(w, "activations_peak_bytes", p->activations_peak_bytes);
    frmi_jsonw_key(w, "partial");
    frmi_jsonw_bool(w, p->partial);
    json_u64(w, "nodes_total", p->n_nodes_total);
    json_tensors(w, "inputs", p->inputs, p->n_inputs);
    json_tensors(w, "outputs", p->outputs, p->n_outputs);
    frmi_jsonw_key(w, "by_op");
    frmi_jsonw_object(w);
    for (size_t i = 0; i < p->n_ops; i++) {
        frmi_jsonw_key(w, p->ops[i].op);
        frmi_jsonw_object(w);
        json_u64(w, "count", p->ops[i].count);
        json_u64(w, "macs", p->ops[i].macs);
        json_u64(w, "flops", p->ops[i].flops);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
    frmi_jsonw_key(w, "unknown_nodes");
    frmi_jsonw_array(w);
    for (size_t i = 0; i < p->n_unknown; i++) {
        frmi_jsonw_object(w);
        frmi_jsonw_key(w, "name");
        frmi_jsonw_string(w, p->unknown[i].name);
        frmi_jsonw_key(w, "op");
        frmi_jsonw_string(w, p->unknown[i].op);
        frmi_jsonw_key(w, "reason");
        frmi_jsonw_string(w, p->unknown[i].reason);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
    if (p->nodes) {
        frmi_jsonw_key(w, "nodes");
        frmi_jsonw_array(w);
        for (size_t i = 0; i < p->n_nodes; i++) {
            const frm_node_profile *n = &p->nodes[i];
            frmi_jsonw_object(w);
            frmi_jsonw_key(w, "name");
            frmi_jsonw_string(w, n->name);
            frmi_jsonw_key(w, "op");
            frmi_jsonw_string(w, n->op);
            frmi_jsonw_key(w, "output_shape");
            json_shape(w, &n->output);
            json_u64(w, "macs", n->macs);
            json_u64(w, "flops", n->flops);
            frmi_jsonw_key(w, "known");
            frmi_jsonw_bool(w, n->known);
            frmi_jsonw_end(w);
        }
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
}

static int print_json(frm_profile *const *ps, size_t n)
{
    frmi_buf out;
    frmi_jsonw w;
    frmi_buf_init(&out);
    frmi_jsonw_init(&w, &out, true);
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < n; i++)
        json_profile(&w, ps[i]);
    frmi_jsonw_end(&w);
    frmi_buf_puts(&out, "\n");
    int rc = CLI_OK;
    if (out.failed) {
        cli_error("out of memory");
        rc = CLI_FAILURE;
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    frmi_buf_release(&out);
    return rc;
}

static void print_csv(frm_profile *const *ps, size_t n, const profile_args *a)
{
    if (a->opts.per_node) {
        puts("model,node,op,output_shape,macs,flops,known");
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < ps[i]->n_nodes; k++) {
                const frm_node_profile *nd = &ps[i]->nodes[k];
                char shape[96];
                shape_text(shape, sizeof shape, &nd->output);
                cli_csv_field(stdout, ps[i]->model);
                putchar(',');
                cli_csv_field(stdout, nd->name);
                putchar(',');
                cli_csv_field(stdout, nd->op);
                printf(",%s,%" PRIu64 ",%" PRIu64 ",%d\n", shape, nd->macs, nd->flops, nd->known);
            }
        return;
    }
    puts("model,file,opset,params,weights_bytes,macs,flops,activations,activations_peak_bytes,"
         "unknown_nodes");
    for (size_t i = 0; i < n; i++) {
        const frm_profile *p = ps[i];
        cli_csv_field(stdout, p->model);
        putchar(',');
        cli_csv_field(stdout, p->file);
        printf(",%" PRId64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%zu\n", p->opset, p->params, p->weights_bytes, p->macs, p->flops, p->activations,
               p->activations_peak_bytes, p->n_unknown);
    }
}

int cmd_profile(int argc, char **argv)
{
    profile_args a;
    memset(&a, 0, sizeof a);
    a.opts = (frm_profile_options)FRM_PROFILE_OPTIONS_INIT;
    a.format = CLI_FORMAT_TABLE;
    a.top = 15;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        return cli_finish(CLI_OK);
    if (rc != CLI_OK)
        return rc;

    size_t n_files = (size_t)(argc - optind), n = 0;
    frm_profile **ps = calloc(n_files, sizeof *ps);
    if (!ps) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    int status = CLI_OK;
    for (int i = optind; i < argc; i++) {
        frm_error err;
        frm_code code = frm_profile_file(argv[i], &a.opts, &ps[n], &err);
        if (code == FRM_OK) {
            n++;
            continue;
        }
        cli_error("%s", err.message);
        status = CLI_FAILURE;
    }
    if (n > 0) {
        if (a.format == CLI_FORMAT_JSON) {
            if (print_json(ps, n) != CLI_OK)
                status = CLI_FAILURE;
        } else if (a.format == CLI_FORMAT_CSV) {
            print_csv(ps, n, &a);
        } else {
            print_table(ps, n, &a);
        }
    }
    for (size_t i = 0; i < n; i++)
        frm_profile_free(ps[i]);
    free(ps);
    return cli_finish(status);
}
