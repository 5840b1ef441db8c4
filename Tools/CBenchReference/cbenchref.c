#include "cbenchref.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <png.h>
#include <jpeglib.h>

typedef struct { const uint8_t *data; size_t size, offset; } source;

static void read_cb(png_structp png, png_bytep out, size_t length) {
    source *src = png_get_io_ptr(png);
    if (length > src->size - src->offset) png_error(png, "truncated");
    memcpy(out, src->data + src->offset, length);
    src->offset += length;
}

int cbenchref_png_decode(const uint8_t *data, size_t size, void *out, size_t out_size) {
    source src = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) { png_destroy_read_struct(&png, &info, NULL); return 1; }
    png_set_read_fn(png, &src, read_cb);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (png_get_bit_depth(png, info) == 16) png_set_swap(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (rowbytes * height > out_size) { png_destroy_read_struct(&png, &info, NULL); return 2; }
    for (uint32_t y = 0; y < height; y++) png_read_row(png, (uint8_t *)out + y * rowbytes, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    (void)width;
    return 0;
}

typedef struct { struct jpeg_error_mgr base; jmp_buf jump; } error_mgr;
static void error_exit(j_common_ptr cinfo) { longjmp(((error_mgr *)cinfo->err)->jump, 1); }

int cbenchref_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size) {
    struct jpeg_decompress_struct cinfo;
    error_mgr err;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = error_exit;
    if (setjmp(err.jump)) { jpeg_destroy_decompress(&cinfo); return 1; }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    if ((size_t)cinfo.output_width * cinfo.output_height > out_size) { jpeg_destroy_decompress(&cinfo); return 2; }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * cinfo.output_width;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
