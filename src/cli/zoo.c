/*
 * cli/zoo.c - `frm zoo`: write the paper's architectures as ONNX models.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "util/jsonw.h"

const char zoo_usage[] =
    "usage: frm zoo [options]\n"
    "\n"
    "Writes the FRM paper's 13 architectures as ONNX models (<DIR>/<name>.onnx),\n"
    "built layer by layer after their original definitions (torchvision for the\n"
    "CNNs, timm for DeiT, LeViT and MobileViT) with seeded pseudo-random weights:\n"
    "no download, and the same seed always gives the same bytes.  Opset 17;\n"
    "input 'input' [batch, 3, R, R] float32, output 'logits' [batch, 1000].\n"
    "BatchNormalization is kept unfused, so parameter counts are PyTorch's and\n"
    "equal the published ones (frm profile reports them; --list shows them).\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR           folder to write to, created if missing (default zoo)\n"
    "  -m, --models LIST       comma-separated names, or all (default all)\n"
    "  -b, --batch N           batch dim of input and output (default 1)\n"
    "  -r, --resolution R      input size R x R (default: each model's own, 224,\n"
    "                          299 for inception_v3, 256 for mobilevit_s)\n"
    "  -s, --seed S            weight seed (default 0)\n"
    "      --list              list the models, their input size, parameters and\n"
    "                          MACs, and write nothing\n"
    "  -f, --format FMT        for --list: table (default), json or csv\n"
    "  -h, --help              show this help\n"
    "\n"
    "An unknown or empty name in --models is a usage error and nothing is\n"
    "written.  A model that cannot be written (a resolution its\n"
    "architecture cannot take, a full disk) is reported; the others are still\n"
    "written, and the exit status is 1.\n";

typedef struct zoo_args {
    const char *out;
    char *models;
    frm_zoo_options opts;
    int list;
    cli_format format;
} zoo_args;

static int parse_number(const char *opt, const char *arg, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || *end || end == arg || v < lo || v > hi)
        return cli_usage_error("zoo", "%s '%s': expected a whole number from %lld to %lld", opt, arg, lo, hi);
    *out = v;
    return CLI_OK;
}

static int parse_args(int argc, char **argv, zoo_args *a)
{
    enum { OPT_LIST = 256 };
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"models", required_argument, NULL, 'm'},
        {"batch", required_argument, NULL, 'b'},
        {"resolution", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"list", no_argument, NULL, OPT_LIST},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    long long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:b:r:s:f:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->out = optarg;
            break;
        case 'm':
            a->models = optarg;
            break;
        case 'b':
            if (parse_number("--batch", optarg, 1, 65536, &v) != CLI_OK)
                return CLI_USAGE;
            a->opts.batch = v;
            break;
        case 'r':
            if (parse_number("--resolution", optarg, 32, 4096, &v) != CLI_OK)
                return CLI_USAGE;
            a->opts.resolution = (int)v;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || optarg[0] == '-')
                return cli_usage_error("zoo", "--seed '%s': expected a non-negative whole number", optarg);
            a->opts.seed = s;
            break;
        }
        case OPT_LIST:
            a->list = 1;
            break;
        case 'f':
            if (!cli_parse_format(optarg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON | CLI_FORMAT_CSV, &a->format))
                return cli_usage_error("zoo", "unknown format '%s' (use table, json or csv)", optarg);
            break;
        case 'h':
            fputs(zoo_usage, stdout);
            return -1;
        default:
            return cli_bad_option("zoo", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("zoo", "unexpected argument '%s' (models are chosen with --models)", argv[optind]);
    return CLI_OK;
}

static int print_list(const zoo_args *a)
{
    size_t n = frm_zoo_count();
    if (a->format == CLI_FORMAT_JSON) {
        frmi_buf out;
        frmi_jsonw w;
        frmi_buf_init(&out);
        frmi_jsonw_init(&w, &out, true);
        frmi_jsonw_array(&w);
        for (size_t i = 0; i < n; i++) {
            const frm_zoo_info *m = frm_zoo_at(i);
            frmi_jsonw_object(&w);
            frmi_jsonw_key(&w, "model");
            frmi_jsonw_string(&w, m->name);
            frmi_jsonw_key(&w, "family");
            frmi_jsonw_string(&w, m->family);
            char num[3][32];
            snprintf(num[0], sizeof num[0], "%d", m->resolution);
            snprintf(num[1], sizeof num[1], "%" PRIu64, m->params);
            snprintf(num[2], sizeof num[2], "%" PRIu64, m->macs);
            frmi_jsonw_key(&w, "resolution");
            frmi_jsonw_raw(&w, num[0]);
            frmi_jsonw_key(&w, "params");
            frmi_jsonw_raw(&w, num[1]);
            frmi_jsonw_key(&w, "macs");
            frmi_jsonw_raw(&w, num[2]);
            frmi_jsonw_end(&w);
        }
        frmi_jsonw_end(&w);
        frmi_buf_puts(&out, "\n");
        if (out.failed) {
            frmi_buf_release(&out);
            cli_error("out of memory");
            return CLI_FAILURE;
        }
        fwrite(out.data, 1, out.len, stdout);
        frmi_buf_release(&out);
    } else if (a->format == CLI_FORMAT_CSV) {
        puts("model,family,resolution,params,macs");
        for (size_t i = 0; i < n; i++) {
            const frm_zoo_info *m = frm_zoo_at(i);
            printf("%s,%s,%d,%" PRIu64 ",%" PRIu64 "\n", m->name, m->family, m->resolution, m->params, m->macs);
        }
    } else {
        printf("%-24s %-11s %5s %12s %15s\n", "model", "family", "input", "params", "MACs");
        for (size_t i = 0; i < n; i++) {
            const frm_zoo_info *m = frm_zoo_at(i);
            printf("%-24s %-11s %5d %12" PRIu64 " %15" PRIu64 "\n", m->name, m->family, m->resolution,
                   m->params, m->macs);
        }
    }
    return cli_finish(CLI_OK);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Creates `dir` and its parents as needed. */
static int make_dir(const char *dir)
{
    char *path = strdup(dir);
    if (!path)
        return -1;
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            free(path);
            return -1;
        }
        *p = saved;
        if (!saved)
            break;
    }
    free(path);
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/* Writes one model; reports its file, size and time on success. */
static int write_one(const zoo_args *a, const char *name)
{
    const frm_zoo_info *m = frm_zoo_find(name);
    if (!m) {
        cli_error("no zoo model named '%s' (frm zoo --list names them)", name);
        return CLI_FAILURE;
    }
    size_t len = strlen(a->out) + strlen(name) + 7;
    char *path = malloc(len);
    if (!path) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    snprintf(path, len, "%s/%s.onnx", a->out, name);
    double t0 = now();
    frm_error err;
    int status = CLI_OK;
    if (frm_zoo_write(name, path, &a->opts, &err) != FRM_OK) {
        cli_error("%s", err.message);
        status = CLI_FAILURE;
    } else {
        struct stat st;
        double mb = stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
        printf("%-24s %-40s %8.1f MB %7.2f s\n", name, path, mb, now() - t0);
        fflush(stdout);
    }
    free(path);
    return status;
}

int cmd_zoo(int argc, char **argv)
{
    zoo_args a = { "zoo", NULL, FRM_ZOO_OPTIONS_INIT, 0, CLI_FORMAT_TABLE };
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        return cli_finish(CLI_OK);
    if (rc != CLI_OK)
        return rc;
    if (a.list)
        return print_list(&a);
    if (a.format != CLI_FORMAT_TABLE)
        return cli_usage_error("zoo", "--format applies to --list");

    /* Names are checked before anything is written. */
    if (a.models && (!*a.models || a.models[0] == ',' || a.models[strlen(a.models) - 1] == ',' ||
                     strstr(a.models, ",,")))
        return cli_usage_error("zoo", "--models '%s': an empty name (give names separated by "
                               "commas, or all)", a.models);
    char *names = a.models && strcmp(a.models, "all") != 0 ? strdup(a.models) : NULL;
    if (a.models && strcmp(a.models, "all") != 0 && !names) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    if (names) {
        char *copy = strdup(names), *save = NULL;
        for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
            if (!frm_zoo_find(tok)) {
                int bad = cli_usage_error("zoo", "no model named '%s' (frm zoo --list names them)", tok);
                free(copy);
                free(names);
                return bad;
            }
        free(copy);
    }
    cli_remove_temporaries_on_signals();
    if (make_dir(a.out) != 0) {
        cli_error("cannot create folder '%s': %s", a.out, strerror(errno));
        free(names);
        return CLI_FAILURE;
    }
    int status = CLI_OK;
    double t0 = now();
    size_t written = 0;
    if (names) {
        char *save = NULL;
        for (char *tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (write_one(&a, tok) != CLI_OK)
                status = CLI_FAILURE;
            else
                written++;
        }
    } else {
        for (size_t i = 0; i < frm_zoo_count(); i++) {
            if (write_one(&a, frm_zoo_at(i)->name) != CLI_OK)
                status = CLI_FAILURE;
            else
                written++;
        }
    }
    fprintf(stderr, "frm zoo: %zu model%s written to %s in %.1f s\n", written, written == 1 ? "" : "s", a.out,
            now() - t0);
    free(names);
    return cli_finish(status);
}
