/*
 * onnx/reader.c - mapping an ONNX file and unpacking it without its weights.
 *
 * protobuf-c copies every bytes field it unpacks, so unpacking a model
 * whole would hold its weights twice (the mapped file and the copy).  A
 * filtering pass walks the wire format first, guided by the descriptors
 * protobuf-c generated from onnx.proto, and writes a second, small message
 * in which each TensorProto.raw_data longer than FRMI_ONNX_INLINE_MAX is
 * replaced by a field frm reserves (FRMI_IN_FILE_FIELD) holding the
 * offset and length of the bytes in the file.  protobuf-c keeps that field
 * among the tensor's unknown fields, where frmi_tensor_describe finds it.
 * The weights' pages are skipped over, never read.
 */
#include "onnx/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/jsonw.h"

/* The largest field number protobuf allows; no ONNX message uses it. */
#define FRMI_IN_FILE_FIELD 536870911u
#define FRMI_TENSOR_RAW_DATA_FIELD 9u
/* Messages nest (graphs inside attributes, types inside types); deeper
 * than this is hostile. */
#define FRMI_MAX_NESTING 64

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

typedef struct filter {
    const uint8_t *base;
    size_t size;
    frmi_buf out;
    frm_error *err;
    const char *name;
} filter;

static int read_varint(const uint8_t *p, size_t avail, uint64_t *value, size_t *used)
{
    uint64_t v = 0;
    for (size_t i = 0; i < avail && i < 10; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *value = v;
            *used = i + 1;
            return 0;
        }
    }
    return -1;
}

static size_t put_varint(uint8_t out[10], uint64_t v)
{
    size_t n = 0;
    do {
        out[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

static void emit_varint(frmi_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    frmi_buf_add(b, (const char *)tmp, put_varint(tmp, v));
}

static void emit_u64le(frmi_buf *b, uint64_t v)
{
    char tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (char)(v >> (8 * i));
    frmi_buf_add(b, tmp, 8);
}

static frm_code filter_fail(filter *f, size_t at, const char *what)
{
    return frmi_fail(f->err, FRM_E_MODEL, "%s: not a valid ONNX model: %s at byte %zu",
                     f->name, what, at);
}

/* Copies the message in [start, end) described by `desc` to f->out, less
 * the raw data of large tensors. */
static frm_code filter_message(filter *f, size_t start, size_t end,
                               const ProtobufCMessageDescriptor *desc, int depth)
{
    if (depth > FRMI_MAX_NESTING)
        return filter_fail(f, start, "messages nested too deeply");
    size_t pos = start;
    while (pos < end) {
        size_t field_start = pos, used;
        uint64_t key;
        if (read_varint(f->base + pos, end - pos, &key, &used) != 0)
            return filter_fail(f, pos, "truncated field key");
        pos += used;
        uint64_t number = key >> 3;
        unsigned wire = (unsigned)(key & 7);
        if (number == 0 || number > FRMI_IN_FILE_FIELD)
            return filter_fail(f, field_start, "invalid field number");
        uint64_t len = 0;
        switch (wire) {
        case WIRE_VARINT: {
            uint64_t ignored;
            if (read_varint(f->base + pos, end - pos, &ignored, &used) != 0)
                return filter_fail(f, pos, "truncated varint");
            pos += used;
            break;
        }
        case WIRE_FIXED64:
        case WIRE_FIXED32: {
            size_t width = wire == WIRE_FIXED64 ? 8 : 4;
            if (end - pos < width)
                return filter_fail(f, pos, "truncated fixed-width value");
            pos += width;
            break;
        }
        case WIRE_LEN:
            if (read_varint(f->base + pos, end - pos, &len, &used) != 0)
                return filter_fail(f, pos, "truncated length");
            pos += used;
            if (len > end - pos)
                return filter_fail(f, field_start, "length runs past the end of its message (truncated file?)");
            break;
        default:
            return filter_fail(f, field_start, "unsupported protobuf wire type");
        }
        if (number == FRMI_IN_FILE_FIELD)
            continue;           /* frm's own marker; never taken from a file */

        const ProtobufCFieldDescriptor *fd =
            wire == WIRE_LEN ? protobuf_c_message_descriptor_get_field(desc, (unsigned)number) : NULL;
        if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            emit_varint(&f->out, key);
            /* The nested message is written after a placeholder length and
             * moved once its filtered size is known. */
            size_t at = f->out.len;
            frmi_buf_add(&f->out, "", 1);
            frm_code rc = filter_message(f, pos, pos + (size_t)len, fd->descriptor, depth + 1);
            if (rc != FRM_OK)
                return rc;
            if (f->out.failed)
                return frmi_nomem(f->err);
            size_t body = f->out.len - at - 1;
            uint8_t lenbuf[10];
            size_t n = put_varint(lenbuf, body);
            if (n > 1) {
                frmi_buf_add(&f->out, "\0\0\0\0\0\0\0\0\0", n - 1);
                if (f->out.failed)
                    return frmi_nomem(f->err);
                memmove(f->out.data + at + n, f->out.data + at + 1, body);
            }
            memcpy(f->out.data + at, lenbuf, n);
        } else if (desc == &onnx__tensor_proto__descriptor && wire == WIRE_LEN &&
                   number == FRMI_TENSOR_RAW_DATA_FIELD && len > FRMI_ONNX_INLINE_MAX) {
            emit_varint(&f->out, ((uint64_t)FRMI_IN_FILE_FIELD << 3) | WIRE_LEN);
            emit_varint(&f->out, 16);
            emit_u64le(&f->out, (uint64_t)pos);
            emit_u64le(&f->out, len);
        } else {
            frmi_buf_add(&f->out, (const char *)f->base + field_start, pos + (size_t)len - field_start);
        }
        pos += (size_t)len;
        if (f->out.failed)
            return frmi_nomem(f->err);
    }
    return FRM_OK;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

frm_code frmi_onnx_open_buffer(frmi_onnx_model *m, const uint8_t *data, size_t len,
                               const char *name, const char *dir, frm_error *err)
{
    memset(m, 0, sizeof *m);
    if (len == 0)
        return frmi_fail(err, FRM_E_MODEL, "%s: not a valid ONNX model: the file is empty", name);
    filter f = { data, len, { 0 }, err, name };
    frmi_buf_init(&f.out);
    frm_code rc = filter_message(&f, 0, len, &onnx__model_proto__descriptor, 0);
    if (rc != FRM_OK) {
        frmi_buf_release(&f.out);
        return rc;
    }
    m->proto = onnx__model_proto__unpack(NULL, f.out.len, (const uint8_t *)f.out.data);
    frmi_buf_release(&f.out);
    if (!m->proto)
        return frmi_fail(err, FRM_E_MODEL,
                         "%s: not a valid ONNX model: a field has the wrong type or an invalid value", name);
    if (!m->proto->graph) {
        frmi_onnx_close(m);
        return frmi_fail(err, FRM_E_MODEL, "%s: not a valid ONNX model: it has no graph", name);
    }
    m->path = strdup(name);
    m->dir = strdup(dir);
    m->file_size = len;
    if (!m->path || !m->dir) {
        frmi_onnx_close(m);
        return frmi_nomem(err);
    }
    return FRM_OK;
}

frm_code frmi_onnx_open(frmi_onnx_model *m, const char *path, frm_error *err)
{
    memset(m, 0, sizeof *m);
    /* O_NONBLOCK: a FIFO with no writer must not block the open; it is refused below */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return frmi_fail(err, FRM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return frmi_fail(err, FRM_E_IO, "%s: cannot read: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return frmi_fail(err, FRM_E_IO, "%s: not a regular file (a model is mapped from a "
                         "file, not read from a pipe or device)", path);
    }
    char *dir = dir_of(path);
    if (!dir) {
        close(fd);
        return frmi_nomem(err);
    }
    frm_code rc;
    if (st.st_size == 0) {
        rc = frmi_onnx_open_buffer(m, NULL, 0, path, dir, err);
    } else {
        size_t size = (size_t)st.st_size;
        void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            rc = frmi_fail(err, FRM_E_IO, "%s: cannot map: %s", path, strerror(errno));
        } else {
            rc = frmi_onnx_open_buffer(m, map, size, path, dir, err);
            munmap(map, size);
        }
    }
    free(dir);
    close(fd);
    return rc;
}

void frmi_onnx_close(frmi_onnx_model *m)
{
    if (m->proto)
        onnx__model_proto__free_unpacked(m->proto, NULL);
    free(m->path);
    free(m->dir);
    memset(m, 0, sizeof *m);
}

size_t frmi_elem_size(int elem_type)
{
    switch (elem_type) {
    case 1: case 6: case 12: return 4;           /* float, int32, uint32 */
    case 2: case 3: case 9: return 1;            /* uint8, int8, bool */
    case 4: case 5: case 10: case 16: return 2;  /* (u)int16, float16, bfloat16 */
    case 7: case 11: case 13: case 14: return 8; /* int64, double, uint64, complex64 */
    case 15: return 16;                          /* complex128 */
    default: return 0;                           /* undefined, string, newer types */
    }
}

int frmi_elem_is_float(int elem_type)
{
    return elem_type == 1 || elem_type == 10 || elem_type == 11 || elem_type == 16;
}

/* Values of `t` in the typed field ONNX assigns to its element type. */
static uint64_t typed_count(const Onnx__TensorProto *t, int elem_type)
{
    switch (elem_type) {
    case 1: case 14: return t->n_float_data;                 /* float, complex64 */
    case 7: return t->n_int64_data;
    case 8: return t->n_string_data;
    case 11: case 15: return t->n_double_data;               /* double, complex128 */
    case 12: case 13: return t->n_uint64_data;               /* uint32, uint64 */
    default: return t->n_int32_data;                         /* narrower ints, bool, 16-bit floats */
    }
}

static const char *external_entry(const Onnx__TensorProto *t, const char *key)
{
    for (size_t i = 0; i < t->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = t->external_data[i];
        if (e && e->key && strcmp(e->key, key) == 0)
            return e->value ? e->value : "";
    }
    return NULL;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static frm_code describe_external(const frmi_onnx_model *m, const Onnx__TensorProto *t,
                                  const char *what, frmi_tensor_info *out, frm_error *err)
{
    const char *loc = external_entry(t, "location");
    if (!loc || !*loc)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s: external data has no location", m->path, what);
    /* As ONNX itself requires: a path inside the model's folder. */
    if (loc[0] == '/' || strcmp(loc, "..") == 0 || strncmp(loc, "../", 3) == 0 ||
        strstr(loc, "/../") || (strlen(loc) >= 3 && strcmp(loc + strlen(loc) - 3, "/..") == 0))
        return frmi_fail(err, FRM_E_MODEL, "%s: %s: external data location '%s' is outside the model's folder",
                         m->path, what, loc);
    uint64_t offset = 0, length = 0;
    const char *s_off = external_entry(t, "offset"), *s_len = external_entry(t, "length");
    if (s_off && parse_u64(s_off, &offset) != 0)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s: external data offset '%s' is not a number",
                         m->path, what, s_off);
    if (s_len && parse_u64(s_len, &length) != 0)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s: external data length '%s' is not a number",
                         m->path, what, s_len);
    frmi_buf full;
    frmi_buf_init(&full);
    frmi_buf_printf(&full, "%s/%s", m->dir, loc);
    if (full.failed) {
        frmi_buf_release(&full);
        return frmi_nomem(err);
    }
    struct stat st;
    frm_code rc = FRM_OK;
    if (stat(full.data, &st) != 0) {
        rc = frmi_fail(err, FRM_E_MODEL, "%s: %s: external data file '%s': %s", m->path, what,
                       full.data, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = frmi_fail(err, FRM_E_MODEL, "%s: %s: external data '%s' is not a regular file",
                       m->path, what, full.data);
    } else {
        uint64_t size = (uint64_t)st.st_size;
        if (!s_len)
            length = offset <= size ? size - offset : 0;
        if (out->bytes && length != out->bytes)
            rc = frmi_fail(err, FRM_E_MODEL, "%s: %s: external data holds %llu bytes, its dims need %llu",
                           m->path, what, (unsigned long long)length, (unsigned long long)out->bytes);
        else if (offset > size || length > size - offset)
            rc = frmi_fail(err, FRM_E_MODEL,
                           "%s: %s: external data (offset %llu, %llu bytes) runs past the end of '%s' (%llu bytes)",
                           m->path, what, (unsigned long long)offset, (unsigned long long)length,
                           full.data, (unsigned long long)size);
    }
    frmi_buf_release(&full);
    out->where = FRMI_DATA_EXTERNAL;
    return rc;
}

frm_code frmi_tensor_describe(const frmi_onnx_model *m, const Onnx__TensorProto *t,
                              const char *what, frmi_tensor_info *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    out->elem_type = t->has_data_type ? t->data_type : 0;
    if (t->n_dims > INT_MAX)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s has too many dims", m->path, what);
    out->rank = (int)t->n_dims;
    uint64_t numel = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0)
            return frmi_fail(err, FRM_E_MODEL, "%s: %s has negative dim %lld", m->path, what,
                             (long long)t->dims[i]);
        if (t->dims[i] != 0 && numel > (uint64_t)INT64_MAX / (uint64_t)t->dims[i])
            return frmi_fail(err, FRM_E_MODEL, "%s: %s has more than 2^63 elements", m->path, what);
        numel *= (uint64_t)t->dims[i];
    }
    out->numel = numel;
    size_t esize = frmi_elem_size(out->elem_type);
    if (esize && numel > UINT64_MAX / esize)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s is larger than 2^64 bytes", m->path, what);
    out->bytes = numel * esize;

    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return describe_external(m, t, what, out, err);

    for (size_t i = 0; i < t->base.n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &t->base.unknown_fields[i];
        /* protobuf-c keeps the field's bytes with their length prefix. */
        if (u->tag == FRMI_IN_FILE_FIELD && u->len == 17 && u->data[0] == 16) {
            uint64_t len = 0;
            for (int b = 0; b < 8; b++)
                len |= (uint64_t)u->data[9 + b] << (8 * b);
            out->where = FRMI_DATA_IN_FILE;
            if (esize && len != out->bytes)
                return frmi_fail(err, FRM_E_MODEL, "%s: %s holds %llu bytes, its dims need %llu",
                                 m->path, what, (unsigned long long)len, (unsigned long long)out->bytes);
            return FRM_OK;
        }
    }
    if (t->has_raw_data) {
        out->where = FRMI_DATA_INLINE;
        out->raw = t->raw_data.data;
        if (esize && t->raw_data.len != out->bytes)
            return frmi_fail(err, FRM_E_MODEL, "%s: %s holds %zu bytes, its dims need %llu",
                             m->path, what, t->raw_data.len, (unsigned long long)out->bytes);
        return FRM_OK;
    }
    out->where = FRMI_DATA_TYPED;
    uint64_t have = typed_count(t, out->elem_type);
    uint64_t need = numel * (out->elem_type == 14 || out->elem_type == 15 ? 2 : 1);
    if (have != need)
        return frmi_fail(err, FRM_E_MODEL, "%s: %s holds %llu values, its dims need %llu",
                         m->path, what, (unsigned long long)have, (unsigned long long)need);
    return FRM_OK;
}
