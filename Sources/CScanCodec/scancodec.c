// scancodec.c: every setjmp/longjmp of libpng and libjpeg-turbo, and the cleanup after one.
//
// Rules kept throughout:
// - each public entry point that calls into a library sets the decoder's jmp_buf first, so an
//   error (or a warning we escalate) lands back in that function, never in Swift;
// - everything allocated while a jump may happen hangs off the decoder and is released in
//   scancodec_close, so a jump never leaks;
// - pixel memory is allocated by the caller, after scancodec_open has checked the limits.
#include "scancodec.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <png.h>
#include <jpeglib.h>
#include <jerror.h>

#define SCANCODEC_STRINGIFY_(x) #x
#define SCANCODEC_STRINGIFY(x) SCANCODEC_STRINGIFY_(x)
#define LIBJPEG_TURBO_VERSION_STRING SCANCODEC_STRINGIFY(LIBJPEG_TURBO_VERSION)

struct scancodec_decoder {
    int format;
    const uint8_t *data;
    size_t size;
    size_t offset;
    scancodec_limits limits;
    scancodec_output output;
    scancodec_info info;

    jmp_buf jump;
    int jump_status;          // the status to report after a jump
    char message[256];
    char warnings[512];

    png_structp png;
    png_infop png_info;
    int png_native_channels;  // channels libpng delivers after our transforms
    size_t png_native_rowbytes;
    int png_swap16;           // 16-bit samples arrive big-endian and are swapped here, per row

    struct jpeg_decompress_struct jpeg;
    struct jpeg_error_mgr jpeg_error;
    int jpeg_created;

    uint8_t *scratch;         // rows in the source's channels, when converting to luminance
    png_bytep *rows;          // row pointers for interlaced PNG
    int read_done;
};

// ---------------------------------------------------------------------------------------------
// Small helpers

static void set_result(scancodec_result *result, int status, const char *message) {
    if (!result) return;
    result->status = status;
    snprintf(result->message, sizeof result->message, "%s", message ? message : "");
}

static void copy_outcome(const scancodec_decoder *dec, scancodec_result *result, int status) {
    if (!result) return;
    result->status = status;
    snprintf(result->message, sizeof result->message, "%s", status == SCANCODEC_OK ? "" : dec->message);
    snprintf(result->warnings, sizeof result->warnings, "%s", dec->warnings);
}

static void add_warning(scancodec_decoder *dec, const char *text) {
    size_t used = strlen(dec->warnings);
    if (used + 3 >= sizeof dec->warnings) return;
    snprintf(dec->warnings + used, sizeof dec->warnings - used, "%s%s", used ? "; " : "", text);
}

static void set_message(scancodec_decoder *dec, int status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(dec->message, sizeof dec->message, format, args);
    va_end(args);
    dec->jump_status = status;
}

// BT.601 luma on stored code values, weights summing to 2^15 so grey stays grey exactly.
enum { LUMA_R = 9798, LUMA_G = 19235, LUMA_B = 3735 };

static void luma_row8(const uint8_t *src, uint8_t *dst, uint32_t width, int channels) {
    if (channels == 2) {
        for (uint32_t x = 0; x < width; x++) dst[x] = src[2 * x];
        return;
    }
    for (uint32_t x = 0; x < width; x++) {
        const uint8_t *p = src + (size_t)x * channels;
        dst[x] = (uint8_t)((LUMA_R * (uint32_t)p[0] + LUMA_G * (uint32_t)p[1] + LUMA_B * (uint32_t)p[2] + 16384u) >> 15);
    }
}

// PNG stores 16-bit samples big-endian. libpng's own swap transform (png_set_swap) goes byte by
// byte; this loop is vectorised by the compiler and runs on the row while it is still in L1.
// Measured: see swap_row16 in the README (batch benchmark).
static void swap_row16(uint8_t *row, size_t samples) {
    size_t bytes = samples * 2, i = 0;
    // Four samples at a time as one 64-bit word (memcpy: no alignment or aliasing assumptions);
    // the compiler turns this into SIMD shifts over 16 or 32 samples per step.
    for (; i + 8 <= bytes; i += 8) {
        uint64_t w;
        memcpy(&w, row + i, 8);
        w = ((w & 0x00FF00FF00FF00FFull) << 8) | ((w >> 8) & 0x00FF00FF00FF00FFull);
        memcpy(row + i, &w, 8);
    }
    for (; i + 2 <= bytes; i += 2) { uint8_t t = row[i]; row[i] = row[i + 1]; row[i + 1] = t; }
}

static void luma_row16(const uint16_t *src, uint16_t *dst, uint32_t width, int channels) {
    if (channels == 2) {
        for (uint32_t x = 0; x < width; x++) dst[x] = src[2 * x];
        return;
    }
    for (uint32_t x = 0; x < width; x++) {
        const uint16_t *p = src + (size_t)x * channels;
        dst[x] = (uint16_t)((LUMA_R * (uint32_t)p[0] + LUMA_G * (uint32_t)p[1] + LUMA_B * (uint32_t)p[2] + 16384u) >> 15);
    }
}

// Adobe-style (inverted) CMYK to luma.
static void cmyk_luma_row(const uint8_t *src, uint8_t *dst, uint32_t width) {
    for (uint32_t x = 0; x < width; x++) {
        const uint8_t *p = src + (size_t)x * 4;
        uint32_t k = p[3];
        uint32_t r = p[0] * k / 255, g = p[1] * k / 255, b = p[2] * k / 255;
        dst[x] = (uint8_t)((LUMA_R * r + LUMA_G * g + LUMA_B * b + 16384u) >> 15);
    }
}

static int check_limits(scancodec_decoder *dec, uint32_t width, uint32_t height) {
    if (width == 0 || height == 0) {
        set_message(dec, SCANCODEC_ERR_CORRUPT, "image has zero width or height (%ux%u)", width, height);
        return 0;
    }
    if (dec->limits.max_dimension && (width > dec->limits.max_dimension || height > dec->limits.max_dimension)) {
        set_message(dec, SCANCODEC_ERR_TOO_LARGE, "image is %ux%u; the limit is %u pixels per side",
                    width, height, dec->limits.max_dimension);
        return 0;
    }
    uint64_t pixels = (uint64_t)width * (uint64_t)height;
    if (dec->limits.max_pixels && pixels > dec->limits.max_pixels) {
        set_message(dec, SCANCODEC_ERR_TOO_LARGE, "image is %ux%u (%llu pixels); the limit is %llu pixels",
                    width, height, (unsigned long long)pixels, (unsigned long long)dec->limits.max_pixels);
        return 0;
    }
    return 1;
}

// ---------------------------------------------------------------------------------------------
// PNG

static void png_error_cb(png_structp png, png_const_charp message) {
    scancodec_decoder *dec = (scancodec_decoder *)png_get_error_ptr(png);
    if (dec->jump_status == SCANCODEC_OK) dec->jump_status = SCANCODEC_ERR_CORRUPT;
    if (dec->message[0] == 0) snprintf(dec->message, sizeof dec->message, "libpng: %s", message);
    longjmp(dec->jump, 1);
}

static void png_warning_cb(png_structp png, png_const_charp message) {
    scancodec_decoder *dec = (scancodec_decoder *)png_get_error_ptr(png);
    add_warning(dec, message);
}

static void png_read_cb(png_structp png, png_bytep out, size_t length) {
    scancodec_decoder *dec = (scancodec_decoder *)png_get_io_ptr(png);
    if (length > dec->size - dec->offset) {
        set_message(dec, SCANCODEC_ERR_TRUNCATED, "PNG data ends early (file truncated after %zu bytes)", dec->size);
        png_error(png, "truncated");
    }
    memcpy(out, dec->data + dec->offset, length);
    dec->offset += length;
}

static int png_open(scancodec_decoder *dec) {
    dec->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec, png_error_cb, png_warning_cb);
    if (!dec->png) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "libpng could not allocate its state"); return 0; }
    dec->png_info = png_create_info_struct(dec->png);
    if (!dec->png_info) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "libpng could not allocate its state"); return 0; }
    if (setjmp(dec->jump)) return 0;

    uint32_t limit = dec->limits.max_dimension ? dec->limits.max_dimension : PNG_UINT_31_MAX;
    png_set_user_limits(dec->png, limit, limit);
    if (dec->limits.max_chunk_bytes) png_set_chunk_malloc_max(dec->png, (png_alloc_size_t)dec->limits.max_chunk_bytes);
    png_set_read_fn(dec->png, dec, png_read_cb);
    png_read_info(dec->png, dec->png_info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(dec->png, dec->png_info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if (!check_limits(dec, width, height)) return 0;

    scancodec_info *info = &dec->info;
    info->format = SCANCODEC_FORMAT_PNG;
    info->width = width;
    info->height = height;
    info->source_bit_depth = bit_depth;
    info->source_color_type = color_type;
    info->source_channels = png_get_channels(dec->png, dec->png_info);
    info->palette = color_type == PNG_COLOR_TYPE_PALETTE;
    info->interlaced = interlace != PNG_INTERLACE_NONE;

    // Measurements, not photos: no gamma, no colour management, no background, tRNS ignored.
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(dec->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(dec->png);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    dec->png_swap16 = bit_depth == 16;
#else
    dec->png_swap16 = 0;
#endif
    if (info->interlaced) png_set_interlace_handling(dec->png);
    png_read_update_info(dec->png, dec->png_info);

    dec->png_native_channels = png_get_channels(dec->png, dec->png_info);
    dec->png_native_rowbytes = png_get_rowbytes(dec->png, dec->png_info);
    info->out_bit_depth = png_get_bit_depth(dec->png, dec->png_info);
    info->out_channels = dec->output == SCANCODEC_OUTPUT_LUMINANCE ? 1 : dec->png_native_channels;
    return 1;
}

static int png_read(scancodec_decoder *dec, uint8_t *pixels, size_t row_bytes) {
    const scancodec_info *info = &dec->info;
    const int convert = info->out_channels != dec->png_native_channels;
    const uint32_t height = info->height;
    if (setjmp(dec->jump)) return 0;

    if (!info->interlaced) {
        if (convert) {
            dec->scratch = malloc(dec->png_native_rowbytes);
            if (!dec->scratch) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "out of memory for a PNG row"); return 0; }
        }
        for (uint32_t y = 0; y < height; y++) {
            uint8_t *dst = pixels + (size_t)y * row_bytes;
            if (!convert) {
                png_read_row(dec->png, dst, NULL);
                if (dec->png_swap16) swap_row16(dst, (size_t)info->width * dec->png_native_channels);
            } else {
                png_read_row(dec->png, dec->scratch, NULL);
                if (dec->png_swap16) swap_row16(dec->scratch, (size_t)info->width * dec->png_native_channels);
                if (info->out_bit_depth == 16) luma_row16((const uint16_t *)dec->scratch, (uint16_t *)dst, info->width, dec->png_native_channels);
                else luma_row8(dec->scratch, dst, info->width, dec->png_native_channels);
            }
        }
    } else {
        // Adam7 needs the whole image at once.
        dec->rows = malloc(sizeof(png_bytep) * height);
        if (!dec->rows) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "out of memory for row pointers"); return 0; }
        if (convert) {
            if (dec->png_native_rowbytes > SIZE_MAX / height) { set_message(dec, SCANCODEC_ERR_TOO_LARGE, "image too large"); return 0; }
            dec->scratch = malloc(dec->png_native_rowbytes * height);
            if (!dec->scratch) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "out of memory for an interlaced PNG"); return 0; }
            for (uint32_t y = 0; y < height; y++) dec->rows[y] = dec->scratch + (size_t)y * dec->png_native_rowbytes;
        } else {
            for (uint32_t y = 0; y < height; y++) dec->rows[y] = pixels + (size_t)y * row_bytes;
        }
        png_read_image(dec->png, dec->rows);
        if (dec->png_swap16) {
            for (uint32_t y = 0; y < height; y++) swap_row16(dec->rows[y], (size_t)info->width * dec->png_native_channels);
        }
        if (convert) {
            for (uint32_t y = 0; y < height; y++) {
                uint8_t *dst = pixels + (size_t)y * row_bytes;
                if (info->out_bit_depth == 16) luma_row16((const uint16_t *)dec->rows[y], (uint16_t *)dst, info->width, dec->png_native_channels);
                else luma_row8(dec->rows[y], dst, info->width, dec->png_native_channels);
            }
        }
    }
    // Read through IEND: a file whose tail is damaged or missing is damaged.
    png_read_end(dec->png, NULL);
    return 1;
}

// ---------------------------------------------------------------------------------------------
// JPEG

static int jpeg_status_for(int code) {
    switch (code) {
    case JERR_BAD_PRECISION:
    case JERR_NOT_COMPILED:
    case JERR_ARITH_NOTIMPL:
    case JERR_SOF_UNSUPPORTED:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_EMPTY_IMAGE:
        return SCANCODEC_ERR_UNSUPPORTED;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
        return SCANCODEC_ERR_TRUNCATED;
    case JERR_IMAGE_TOO_BIG:
        return SCANCODEC_ERR_TOO_LARGE;
    case JERR_OUT_OF_MEMORY:
        return SCANCODEC_ERR_NO_MEMORY;
    default:
        return SCANCODEC_ERR_CORRUPT;
    }
}

static void jpeg_error_exit_cb(j_common_ptr cinfo) {
    scancodec_decoder *dec = (scancodec_decoder *)cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (dec->message[0] == 0) {
        int status = jpeg_status_for(cinfo->err->msg_code);
        if (status == SCANCODEC_ERR_UNSUPPORTED)
            set_message(dec, status, "libjpeg-turbo %s cannot read this JPEG: %s", LIBJPEG_TURBO_VERSION_STRING, text);
        else
            set_message(dec, status, "libjpeg: %s", text);
    }
    longjmp(dec->jump, 1);
}

// libjpeg reports corrupt and truncated data as warnings and carries on with made-up pixels.
// Measurements cannot be made up: every data warning is an error. Only warnings about metadata
// that does not touch the pixels are kept as warnings.
static void jpeg_emit_message_cb(j_common_ptr cinfo, int level) {
    if (level >= 0) return; // trace messages
    scancodec_decoder *dec = (scancodec_decoder *)cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    int code = cinfo->err->msg_code;
    cinfo->err->num_warnings++;
    if (code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC) {
        add_warning(dec, text);
        return;
    }
    if (dec->message[0] == 0) {
        int status = code == JWRN_JPEG_EOF ? SCANCODEC_ERR_TRUNCATED : SCANCODEC_ERR_CORRUPT;
        set_message(dec, status, "libjpeg: %s", text);
    }
    longjmp(dec->jump, 1);
}

static int jpeg_open(scancodec_decoder *dec) {
    dec->jpeg.err = jpeg_std_error(&dec->jpeg_error);
    dec->jpeg_error.error_exit = jpeg_error_exit_cb;
    dec->jpeg_error.emit_message = jpeg_emit_message_cb;
    dec->jpeg.client_data = dec;
    if (setjmp(dec->jump)) return 0;
    jpeg_create_decompress(&dec->jpeg);
    dec->jpeg_created = 1;
    dec->jpeg.client_data = dec;

    // Working memory cap: enough for a whole-image coefficient buffer of the largest allowed image.
    uint64_t cap = dec->limits.max_pixels ? dec->limits.max_pixels * 8u + (64u << 20) : 0;
    if (cap && cap < (uint64_t)LONG_MAX) dec->jpeg.mem->max_memory_to_use = (long)cap;

    jpeg_mem_src(&dec->jpeg, dec->data, (unsigned long)dec->size);
    jpeg_read_header(&dec->jpeg, TRUE);
    if (!check_limits(dec, dec->jpeg.image_width, dec->jpeg.image_height)) return 0;

    scancodec_info *info = &dec->info;
    info->format = SCANCODEC_FORMAT_JPEG;
    info->width = dec->jpeg.image_width;
    info->height = dec->jpeg.image_height;
    info->source_bit_depth = dec->jpeg.data_precision;
    info->source_channels = dec->jpeg.num_components;
    info->source_color_type = dec->jpeg.jpeg_color_space;
    info->interlaced = dec->jpeg.progressive_mode ? 1 : 0;
    info->arithmetic = dec->jpeg.arith_code ? 1 : 0;
    info->out_bit_depth = 8;

    switch (dec->jpeg.jpeg_color_space) {
    case JCS_GRAYSCALE:
        dec->jpeg.out_color_space = JCS_GRAYSCALE;
        info->out_channels = 1;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        dec->jpeg.out_color_space = JCS_CMYK;
        info->out_channels = dec->output == SCANCODEC_OUTPUT_LUMINANCE ? 1 : 4;
        break;
    default:
        if (dec->output == SCANCODEC_OUTPUT_LUMINANCE) {
            dec->jpeg.out_color_space = JCS_GRAYSCALE; // YCbCr: the Y plane itself
            info->out_channels = 1;
        } else {
            dec->jpeg.out_color_space = JCS_RGB;
            info->out_channels = 3;
        }
        break;
    }
    return 1;
}

static int jpeg_read(scancodec_decoder *dec, uint8_t *pixels, size_t row_bytes) {
    const int convert_cmyk = dec->jpeg.out_color_space == JCS_CMYK && dec->info.out_channels == 1;
    if (setjmp(dec->jump)) return 0;
    jpeg_start_decompress(&dec->jpeg);
    if (dec->jpeg.output_width != dec->info.width || dec->jpeg.output_height != dec->info.height) {
        set_message(dec, SCANCODEC_ERR_CORRUPT, "libjpeg: output size %ux%u differs from header %ux%u",
                    dec->jpeg.output_width, dec->jpeg.output_height, dec->info.width, dec->info.height);
        return 0;
    }
    if (convert_cmyk) {
        dec->scratch = malloc((size_t)dec->info.width * 4);
        if (!dec->scratch) { set_message(dec, SCANCODEC_ERR_NO_MEMORY, "out of memory for a JPEG row"); return 0; }
    }
    while (dec->jpeg.output_scanline < dec->jpeg.output_height) {
        uint8_t *dst = pixels + (size_t)dec->jpeg.output_scanline * row_bytes;
        JSAMPROW row = convert_cmyk ? dec->scratch : dst;
        if (jpeg_read_scanlines(&dec->jpeg, &row, 1) != 1) {
            set_message(dec, SCANCODEC_ERR_TRUNCATED, "libjpeg: no scanline returned at row %u", dec->jpeg.output_scanline);
            return 0;
        }
        if (convert_cmyk) cmyk_luma_row(dec->scratch, dst, dec->info.width);
    }
    jpeg_finish_decompress(&dec->jpeg);
    return 1;
}

// ---------------------------------------------------------------------------------------------
// Public decoding API

scancodec_decoder *scancodec_open(const uint8_t *data, size_t size, scancodec_limits limits,
                                  scancodec_output output, scancodec_info *info,
                                  scancodec_result *result) {
    if (result) memset(result, 0, sizeof *result);
    if (!info || (!data && size)) { set_result(result, SCANCODEC_ERR_ARGUMENT, "missing buffer"); return NULL; }
    memset(info, 0, sizeof *info);

    int format = 0;
    static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size >= 8 && memcmp(data, png_signature, 8) == 0) format = SCANCODEC_FORMAT_PNG;
    else if (size >= 2 && data[0] == 0xFF && data[1] == 0xD8) format = SCANCODEC_FORMAT_JPEG;
    if (!format) {
        if (size == 0) set_result(result, SCANCODEC_ERR_NOT_AN_IMAGE, "file is empty");
        else if (size < 8 && data[0] == 0x89) set_result(result, SCANCODEC_ERR_TRUNCATED, "PNG signature cut short (file truncated)");
        else set_result(result, SCANCODEC_ERR_NOT_AN_IMAGE, "not a PNG or JPEG file (unknown signature)");
        return NULL;
    }

    scancodec_decoder *dec = calloc(1, sizeof *dec);
    if (!dec) { set_result(result, SCANCODEC_ERR_NO_MEMORY, "out of memory"); return NULL; }
    dec->format = format;
    dec->data = data;
    dec->size = size;
    dec->limits = limits;
    dec->output = output;

    int ok = format == SCANCODEC_FORMAT_PNG ? png_open(dec) : jpeg_open(dec);
    if (!ok) {
        copy_outcome(dec, result, dec->jump_status ? dec->jump_status : SCANCODEC_ERR_CORRUPT);
        scancodec_close(dec);
        return NULL;
    }
    *info = dec->info;
    copy_outcome(dec, result, SCANCODEC_OK);
    return dec;
}

int scancodec_read(scancodec_decoder *dec, void *pixels, size_t row_bytes, scancodec_result *result) {
    if (result) memset(result, 0, sizeof *result);
    if (!dec || !pixels) { set_result(result, SCANCODEC_ERR_ARGUMENT, "missing decoder or pixel buffer"); return SCANCODEC_ERR_ARGUMENT; }
    if (dec->read_done) { set_result(result, SCANCODEC_ERR_ARGUMENT, "pixels were already read"); return SCANCODEC_ERR_ARGUMENT; }
    size_t needed = (size_t)dec->info.width * (size_t)dec->info.out_channels * (size_t)(dec->info.out_bit_depth / 8);
    if (row_bytes < needed) { set_result(result, SCANCODEC_ERR_ARGUMENT, "row stride too small"); return SCANCODEC_ERR_ARGUMENT; }
    dec->read_done = 1;
    int ok = dec->format == SCANCODEC_FORMAT_PNG ? png_read(dec, pixels, row_bytes) : jpeg_read(dec, pixels, row_bytes);
    int status = ok ? SCANCODEC_OK : (dec->jump_status ? dec->jump_status : SCANCODEC_ERR_CORRUPT);
    copy_outcome(dec, result, status);
    return status;
}

void scancodec_close(scancodec_decoder *dec) {
    if (!dec) return;
    if (dec->png) png_destroy_read_struct(&dec->png, dec->png_info ? &dec->png_info : NULL, NULL);
    if (dec->jpeg_created) jpeg_destroy_decompress(&dec->jpeg);
    free(dec->scratch);
    free(dec->rows);
    free(dec);
}

// ---------------------------------------------------------------------------------------------
// Encoding

typedef struct {
    jmp_buf jump;
    char message[256];
    uint8_t *buffer;
    size_t size;
    size_t capacity;
    int failed_alloc;
} encoder_state;

static void png_encode_error_cb(png_structp png, png_const_charp message) {
    encoder_state *state = (encoder_state *)png_get_error_ptr(png);
    snprintf(state->message, sizeof state->message, "libpng: %s", message);
    longjmp(state->jump, 1);
}

static void png_encode_warning_cb(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void png_write_cb(png_structp png, png_bytep data, size_t length) {
    encoder_state *state = (encoder_state *)png_get_io_ptr(png);
    if (state->size + length > state->capacity) {
        size_t capacity = state->capacity ? state->capacity : 65536;
        while (capacity < state->size + length) capacity *= 2;
        uint8_t *grown = realloc(state->buffer, capacity);
        if (!grown) { state->failed_alloc = 1; png_error(png, "out of memory for the encoded PNG"); }
        state->buffer = grown;
        state->capacity = capacity;
    }
    memcpy(state->buffer + state->size, data, length);
    state->size += length;
}

static void png_flush_cb(png_structp png) { (void)png; }

int scancodec_png_encode(const void *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                         int channels, int bit_depth, int compression_level,
                         uint8_t **out, size_t *out_size, scancodec_result *result) {
    if (result) memset(result, 0, sizeof *result);
    if (!pixels || !out || !out_size || width == 0 || height == 0 || (channels != 1 && channels != 3) ||
        (bit_depth != 8 && bit_depth != 16)) {
        set_result(result, SCANCODEC_ERR_ARGUMENT, "PNG encode: need pixels, a size, 1 or 3 channels, 8 or 16 bits");
        return SCANCODEC_ERR_ARGUMENT;
    }
    encoder_state *state = calloc(1, sizeof *state);
    if (!state) { set_result(result, SCANCODEC_ERR_NO_MEMORY, "out of memory"); return SCANCODEC_ERR_NO_MEMORY; }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, state, png_encode_error_cb, png_encode_warning_cb);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        free(state);
        set_result(result, SCANCODEC_ERR_NO_MEMORY, "libpng could not allocate its state");
        return SCANCODEC_ERR_NO_MEMORY;
    }
    if (setjmp(state->jump)) {
        png_destroy_write_struct(&png, &info);
        set_result(result, state->failed_alloc ? SCANCODEC_ERR_NO_MEMORY : SCANCODEC_ERR_ARGUMENT, state->message);
        free(state->buffer);
        free(state);
        return result ? result->status : SCANCODEC_ERR_ARGUMENT;
    }
    png_set_write_fn(png, state, png_write_cb, png_flush_cb);
    png_set_compression_level(png, compression_level < 0 ? 6 : (compression_level > 9 ? 9 : compression_level));
    png_set_IHDR(png, info, width, height, bit_depth, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (bit_depth == 16) png_set_swap(png);
#endif
    for (uint32_t y = 0; y < height; y++)
        png_write_row(png, (png_const_bytep)pixels + (size_t)y * row_bytes);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = state->buffer;
    *out_size = state->size;
    free(state);
    return SCANCODEC_OK;
}

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[256];
} jpeg_encode_error;

static void jpeg_encode_error_exit_cb(j_common_ptr cinfo) {
    jpeg_encode_error *err = (jpeg_encode_error *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(err->message, sizeof err->message, "libjpeg: %s", text);
    longjmp(err->jump, 1);
}

int scancodec_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                          int channels, int quality, int progressive,
                          uint8_t **out, size_t *out_size, scancodec_result *result) {
    if (result) memset(result, 0, sizeof *result);
    if (!pixels || !out || !out_size || width == 0 || height == 0 || width > 65500 || height > 65500 ||
        (channels != 1 && channels != 3)) {
        set_result(result, SCANCODEC_ERR_ARGUMENT, "JPEG encode: need pixels, a size up to 65500, 1 or 3 channels");
        return SCANCODEC_ERR_ARGUMENT;
    }
    struct jpeg_compress_struct *cinfo = calloc(1, sizeof *cinfo);
    jpeg_encode_error *err = calloc(1, sizeof *err);
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    if (!cinfo || !err) {
        free(cinfo); free(err);
        set_result(result, SCANCODEC_ERR_NO_MEMORY, "out of memory");
        return SCANCODEC_ERR_NO_MEMORY;
    }
    cinfo->err = jpeg_std_error(&err->base);
    err->base.error_exit = jpeg_encode_error_exit_cb;
    if (setjmp(err->jump)) {
        jpeg_destroy_compress(cinfo);
        free(buffer);
        set_result(result, SCANCODEC_ERR_ARGUMENT, err->message);
        free(cinfo); free(err);
        return SCANCODEC_ERR_ARGUMENT;
    }
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, &buffer, &size);
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = channels;
    cinfo->in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(cinfo);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * row_bytes);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);
    free(cinfo); free(err);
    *out = buffer;
    *out_size = size;
    return SCANCODEC_OK;
}

void scancodec_free(void *buffer) { free(buffer); }

const char *scancodec_libpng_version(void) { return png_get_libpng_ver(NULL); }

int scancodec_libjpeg_version(void) { return LIBJPEG_TURBO_VERSION_NUMBER; }

int scancodec_keep_large_buffers(void) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 512 << 20) == 1;
#else
    return 0;
#endif
}
