/*
 * cli/select.c - `frm select`: the paper's model selection case study on
 * any dataset.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/analysis_args.h"
#include "report/report.h"

const char select_usage[] =
    "usage: frm select --reference CONFIG [--target CONFIG] [options] FILE...\n"
    "\n"
    "Picks a model for the target configuration from measurements on the\n"
    "reference, the FRM paper's section 5 case study:\n"
    "\n"
    "  candidates   models scored on the reference (or --candidates), with\n"
    "               top-1 accuracy at least --min-accuracy\n"
    "  MACs pick    the candidate with the fewest MACs\n"
    "  FRM pick     the candidate with the best metric on the reference\n"
    "  truth        when the target has records: each pick's per-sample\n"
    "               latency there, whether it meets --max-latency-ms, and the\n"
    "               fastest candidate\n"
    "  Pareto set   candidates no other beats on both accuracy and metric\n"
    "\n"
    "CONFIG is a config_id, or a device that has a single configuration.\n"
    "The target needs no baseline: only its raw latencies are used.\n"
    "\n"
    "Options:\n"
    "  -r, --reference CONFIG  where the metric is measured (needs the baseline)\n"
    "  -t, --target CONFIG     where the model will run\n"
    "      --max-latency-ms X  latency limit per sample on the target\n"
    "      --min-accuracy A    accuracy floor: a fraction (0.7) or a percentage (70)\n"
    "      --candidates LIST   consider only these models (comma-separated)\n"
    CLI_ANALYSIS_OPTIONS_HELP
    "  -h, --help              show this help\n"
    "\n"
    "Example:\n"
    "  frm select -r rtx4090/onnxruntime -t galaxy-s21/tflite \\\n"
    "      --max-latency-ms 100 --min-accuracy 70 results.jsonl\n";

enum { OPT_MAX_LATENCY = CLI_OPT_FIRST_OWN, OPT_MIN_ACCURACY, OPT_CANDIDATES };

static int parse_args(int argc, char **argv, cli_analysis_args *a, frmi_select_options *s)
{
    static const struct option options[] = {
        CLI_ANALYSIS_LONG_OPTIONS,
        {"reference", required_argument, NULL, 'r'},
        {"target", required_argument, NULL, 't'},
        {"max-latency-ms", required_argument, NULL, OPT_MAX_LATENCY},
        {"min-accuracy", required_argument, NULL, OPT_MIN_ACCURACY},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":" CLI_ANALYSIS_SHORT_OPTIONS "r:t:h", options,
                            NULL)) != -1) {
        int rc = cli_analysis_option("select", c, optarg, a);
        if (rc != CLI_NOT_MINE) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        switch (c) {
        case 'r':
            s->reference = optarg;
            break;
        case 't':
            s->target = optarg;
            break;
        case OPT_MAX_LATENCY:
            if ((rc = cli_parse_real("select", "--max-latency-ms", optarg, 1e-12, 1e12,
                                     &s->max_latency_ms)) != CLI_OK)
                return rc;
            break;
        case OPT_MIN_ACCURACY:
            if ((rc = cli_parse_real("select", "--min-accuracy", optarg, 0, 100,
                                     &s->min_accuracy)) != CLI_OK)
                return rc;
            if (s->min_accuracy > 1)
                s->min_accuracy /= 100.0;
            break;
        case OPT_CANDIDATES:
            if ((rc = cli_split_list("select", "--candidates", optarg, a, &s->candidates,
                                     &s->n_candidates)) != CLI_OK)
                return rc;
            break;
        case 'h':
            fputs(select_usage, stdout);
            return -1;
        default:
            return cli_bad_option("select", c, argv);
        }
    }
    if (!s->reference)
        return cli_usage_error("select", "--reference CONFIG is required");
    if (!isnan(s->max_latency_ms) && !s->target)
        return cli_usage_error("select", "--max-latency-ms needs --target");
    if (optind >= argc)
        return cli_usage_error("select", "no input files (give '-' to read standard input)");
    return CLI_OK;
}

int cmd_select(int argc, char **argv)
{
    cli_analysis_args a;
    cli_analysis_args_init(&a);
    frmi_select_options so = {.max_latency_ms = NAN, .min_accuracy = NAN};
    int status = parse_args(argc, argv, &a, &so);
    if (status != CLI_OK) {
        cli_analysis_args_release(&a);
        return status < 0 ? cli_finish(CLI_OK) : status;
    }
    frm_dataset *ds = cli_analysis_load(argv + optind, (size_t)(argc - optind), &a);
    frmi_selection *sel = NULL;
    frm_error err;
    status = CLI_FAILURE;
    if (ds && frmi_select_run(ds, &a.opts, &so, &sel, &err) != FRM_OK)
        cli_error("%s", err.message);
    if (sel) {
        cli_report_absent(sel->table->absent, sel->table->n_absent, a.verbose);
        frmi_buf out;
        frmi_buf_init(&out);
        if (a.format == CLI_FORMAT_JSON)
            frmi_report_selection_json(sel, &so, &out);
        else
            frmi_report_selection_text(sel, &so, &out);
        status = cli_write_report(&out);
        frmi_buf_release(&out);
    }
    frmi_selection_free(sel);
    frm_dataset_free(ds);
    cli_analysis_args_release(&a);
    return cli_finish(status);
}
