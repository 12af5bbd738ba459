/*
 * cli/info.c - `frm info`: versions, execution providers and the host.
 */
#include <getopt.h>

#include "bench/host_json.h"
#include "cli/cli.h"
#include "util/jsonw.h"

const char info_usage[] =
    "usage: frm info [--format table|json]\n"
    "\n"
    "Shows the frm version, the ONNX Runtime library actually loaded (its own\n"
    "version string, which may differ from the headers frm was built with) and\n"
    "the execution providers it offers, and this host: CPU model, logical cores,\n"
    "physical memory, operating system, kernel and architecture.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT   table (default) or json\n"
    "  -h, --help         show this help\n";

static void print_table(const frm_runtime *rt, const frm_host *h)
{
    printf("frm        %s\n", frm_version());
    printf("runtime    ONNX Runtime %s\n", rt->version);
    printf("providers  ");
    for (size_t i = 0; i < rt->n_providers; i++)
        printf("%s%s", i ? ", " : "", rt->providers[i]);
    printf("\n");
    printf("cpu        %s\n", h->cpu_model);
    printf("cores      %d logical\n", h->logical_cores);
    printf("memory     %.1f GiB\n", (double)h->memory_bytes / (1024.0 * 1024.0 * 1024.0));
    printf("os         %s\n", h->os);
    printf("kernel     %s\n", h->kernel);
    printf("arch       %s\n", h->arch);
}

static int print_json(const frm_runtime *rt, const frm_host *h)
{
    frmi_buf b;
    frmi_jsonw w;
    frmi_buf_init(&b);
    frmi_jsonw_init(&w, &b, true);
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "frm_version");
    frmi_jsonw_string(&w, frm_version());
    frmi_jsonw_key(&w, "runtime");
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "name");
    frmi_jsonw_string(&w, rt->name);
    frmi_jsonw_key(&w, "version");
    frmi_jsonw_string(&w, rt->version);
    frmi_jsonw_key(&w, "providers");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < rt->n_providers; i++)
        frmi_jsonw_string(&w, rt->providers[i]);
    frmi_jsonw_end(&w);
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "host");
    frmi_host_write_json(&w, h);
    frmi_jsonw_end(&w);
    int status = CLI_OK;
    if (b.failed) {
        cli_error("out of memory");
        status = CLI_FAILURE;
    } else {
        printf("%s\n", b.data);
    }
    frmi_buf_release(&b);
    return status;
}

int cmd_info(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_format format = CLI_FORMAT_TABLE;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!cli_parse_format(optarg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON, &format))
                return cli_usage_error("info", "unknown format '%s' (use table or json)", optarg);
            break;
        case 'h':
            fputs(info_usage, stdout);
            return cli_finish(CLI_OK);
        default:
            return cli_bad_option("info", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("info", "unexpected argument '%s'", argv[optind]);

    frm_runtime rt;
    frm_error err;
    if (frm_runtime_probe(&rt, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    frm_host host;
    frm_host_probe(&host);
    int status = CLI_OK;
    if (format == CLI_FORMAT_JSON)
        status = print_json(&rt, &host);
    else
        print_table(&rt, &host);
    frm_runtime_release(&rt);
    return cli_finish(status);
}
