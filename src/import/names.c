/*
 * import/names.c - one name per model, whatever tool measured it.
 *
 * frm's names are timm's (docs/zoo.md).  Other tools spell the same networks
 * their own way: torchvision's mobilenet_v2, a TFLite file
 * mobilenet_v2_1.0_224.tflite, timm's pretrained tags, AI Hub's mobile_vit.
 * The built-in table covers the paper's 13 models and the AI Hub folders of
 * networks timm measures too; --aliases adds more.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

/* Spellings as written after normalise(): lower case, '_' for '-'. */
static const char *const builtin[][2] = {
    /* torchvision */
    {"mobilenet_v2", "mobilenetv2_100"},
    {"mobilenet_v3_large", "mobilenetv3_large_100"},
    {"mnasnet1_0", "mnasnet_100"},
    /* older timm names of the same networks */
    {"tv_resnet50", "resnet50"},
    {"tv_densenet121", "densenet121"},
    {"tf_inception_v3", "inception_v3"},
    {"gluon_inception_v3", "inception_v3"},
    /* TFLite's hosted model files */
    {"mobilenet_v2_1.0_224", "mobilenetv2_100"},
    {"mobilenet_v2_1.0_224_quant", "mobilenetv2_100"},
    {"mobilenet_v3_large_1.0_224", "mobilenetv3_large_100"},
    {"mnasnet_1.0_224", "mnasnet_100"},
    {"inception_v3_quant", "inception_v3"},
    {"squeezenet1.1", "squeezenet1_1"},
    /* Qualcomm AI Hub Models' folders (their info.yaml names the upstream checkpoint) */
    {"levit", "levit_128s"},                       /* facebookresearch LeViT-128S */
    {"mobile_vit", "mobilevit_s"},                 /* apple ml-cvnets MobileViT-S */
    {"mnasnet05", "mnasnet_050"},                  /* torchvision mnasnet0_5 */
    {"mobilenet_v3_small", "mobilenetv3_small_100"},
    {"wideresnet50", "wide_resnet50_2"},
    {"resnext50", "resnext50_32x4d"},
    {"resnext101", "resnext101_32x8d"},
    {"vit", "vit_base_patch16_224"},               /* torchvision vit_b_16 */
    {"swin_tiny", "swin_tiny_patch4_window7_224"},
    {"swin_small", "swin_small_patch4_window7_224"},
    {"swin_base", "swin_base_patch4_window7_224"},
    {"beit", "beit_base_patch16_224"},
};

struct frmi_aliases {
    char **from, **to;             /* normalised spelling -> canonical name */
    size_t n, cap;
};

static void normalise(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && s[i] && k + 1 < size; i++) {
        char c = (char)tolower((unsigned char)s[i]);
        out[k++] = c == '-' ? '_' : c;
    }
    if (size)
        out[k] = '\0';
}

static frm_code add(frmi_aliases *a, const char *from, const char *to, frm_error *err)
{
    char key[256];
    normalise(from, strlen(from), key, sizeof key);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->from[i], key) == 0) {
            char *copy = strdup(to);
            if (!copy)
                return frmi_nomem(err);
            free(a->to[i]);
            a->to[i] = copy;
            return FRM_OK;
        }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        char **f = realloc(a->from, cap * sizeof *f);
        if (!f)
            return frmi_nomem(err);
        a->from = f;
        char **t = realloc(a->to, cap * sizeof *t);
        if (!t)
            return frmi_nomem(err);
        a->to = t;
        a->cap = cap;
    }
    char *k = strdup(key), *v = strdup(to);
    if (!k || !v) {
        free(k);
        free(v);
        return frmi_nomem(err);
    }
    a->from[a->n] = k;
    a->to[a->n++] = v;
    return FRM_OK;
}

frm_code frmi_aliases_new(frmi_aliases **out, frm_error *err)
{
    frmi_aliases *a = calloc(1, sizeof *a);
    if (!a)
        return frmi_nomem(err);
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        frm_code rc = add(a, builtin[i][0], builtin[i][1], err);
        if (rc != FRM_OK) {
            frmi_aliases_free(a);
            return rc;
        }
    }
    *out = a;
    return FRM_OK;
}

void frmi_aliases_free(frmi_aliases *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->from[i]);
        free(a->to[i]);
    }
    free(a->from);
    free(a->to);
    free(a);
}

/* The next word of `line` at *p (blanks, '=' and ',' separate); NULL at the end. */
static char *next_word(char **p)
{
    char *s = *p;
    while (*s && (isspace((unsigned char)*s) || *s == '=' || *s == ','))
        s++;
    if (!*s)
        return NULL;
    char *word = s;
    while (*s && !isspace((unsigned char)*s) && *s != '=' && *s != ',')
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return word;
}

frm_code frmi_aliases_load(frmi_aliases *a, const char *path, frm_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return frmi_fail(err, FRM_E_IO, "cannot open '%s': %s", path, strerror(errno));
    char line[1024];
    unsigned long number = 0;
    frm_code rc = FRM_OK;
    while (rc == FRM_OK && fgets(line, sizeof line, f)) {
        number++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = frmi_fail(err, FRM_E_SYNTAX, "%s:%lu: line longer than %zu characters", path,
                           number, sizeof line - 2);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        char *from = next_word(&p);
        if (!from)
            continue;
        char *to = next_word(&p);
        char *extra = to ? next_word(&p) : NULL;
        if (!to || extra)
            rc = frmi_fail(err, FRM_E_SYNTAX, "%s:%lu: expected 'SPELLING CANONICAL', found %s",
                           path, number, to ? "more than two names" : "one name");
        else
            rc = add(a, from, to, err);
    }
    if (rc == FRM_OK && ferror(f))
        rc = frmi_fail(err, FRM_E_IO, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    return rc;
}

static const char *lookup(const frmi_aliases *a, const char *s, size_t n)
{
    if (!a)
        return NULL;
    char key[256];
    normalise(s, n, key, sizeof key);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->from[i], key) == 0)
            return a->to[i];
    return NULL;
}

static void copy(char *out, size_t size, const char *s, size_t n)
{
    if (!size)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void frmi_model_name(const frmi_aliases *a, const char *raw, char *name, size_t size,
                     char *tag, size_t tag_size)
{
    static const char *const extensions[] = {".tflite", ".onnx", ".ort", ".pt", ".pth",
                                             ".pb", ".mlmodel", ".bin"};
    const char *slash = strrchr(raw, '/');
    const char *s = slash ? slash + 1 : raw;
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
        size_t k = strlen(extensions[i]);
        if (n > k && strcmp(s + n - k, extensions[i]) == 0) {
            n -= k;
            break;
        }
    }
    copy(tag, tag_size, "", 0);
    /* The whole spelling first: file names such as mobilenet_v2_1.0_224 hold dots. */
    const char *canonical = lookup(a, s, n);
    if (canonical) {
        copy(name, size, canonical, strlen(canonical));
        return;
    }
    /* timm's tags start with a letter (a1_in1k, tv_in1k); "1.0_224" is part of a name. */
    const char *dot = memchr(s, '.', n);
    if (dot && dot + 1 < s + n && isalpha((unsigned char)dot[1])) {
        copy(tag, tag_size, dot + 1, n - (size_t)(dot - s) - 1);
        n = (size_t)(dot - s);
    }
    canonical = lookup(a, s, n);
    if (canonical)
        copy(name, size, canonical, strlen(canonical));
    else
        copy(name, size, s, n);
}
