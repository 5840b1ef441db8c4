// scancodec: the only place where ScanTriage touches libpng and libjpeg-turbo.
//
// Both libraries report errors by longjmp, which Swift cannot survive. Every call into them that
// may jump, and the cleanup after a jump, lives in scancodec.c; Swift sees status codes and
// messages only. All decoding is from memory. Dimension limits are checked after the header is
// read and before any pixel memory is allocated, by the library or by the caller.
#ifndef SCANCODEC_H
#define SCANCODEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a scancodec call. 0 is success; everything else carries a message.
typedef enum {
    SCANCODEC_OK = 0,
    SCANCODEC_ERR_NOT_AN_IMAGE = 1, ///< neither a PNG nor a JPEG signature
    SCANCODEC_ERR_CORRUPT = 2,      ///< the library rejected the data (or warned of corrupt data)
    SCANCODEC_ERR_TRUNCATED = 3,    ///< the data ended before the image did
    SCANCODEC_ERR_TOO_LARGE = 4,    ///< the header declares more pixels than the limit allows
    SCANCODEC_ERR_UNSUPPORTED = 5,  ///< valid, but this build of the library cannot read it
    SCANCODEC_ERR_NO_MEMORY = 6,
    SCANCODEC_ERR_ARGUMENT = 7,     ///< a caller error (bad buffer, wrong call order)
} scancodec_status;

typedef enum {
    SCANCODEC_FORMAT_PNG = 1,
    SCANCODEC_FORMAT_JPEG = 2,
} scancodec_format;

/// How the pixels are handed back.
typedef enum {
    /// One channel: BT.601 luma of the stored code values (no gamma, no colour profile, alpha
    /// discarded). Grey sources are passed through unchanged.
    SCANCODEC_OUTPUT_LUMINANCE = 0,
    /// The source's own channels (grey, grey+alpha, RGB, RGBA; palettes expanded to RGB, CMYK as
    /// 4 channels), sub-byte depths expanded to 8 bits.
    SCANCODEC_OUTPUT_NATIVE = 1,
} scancodec_output;

typedef struct {
    uint64_t max_pixels;      ///< width x height above this is refused before allocation
    uint32_t max_dimension;   ///< width or height above this is refused
    uint64_t max_chunk_bytes; ///< PNG: largest ancillary chunk (and its decompression); JPEG: working memory cap
} scancodec_limits;

typedef struct {
    int format;              ///< scancodec_format
    uint32_t width;
    uint32_t height;
    int source_bit_depth;    ///< PNG: 1, 2, 4, 8, 16; JPEG: data precision (8, 12)
    int source_channels;     ///< channels as stored (palette counts as 1)
    int source_color_type;   ///< PNG colour type, or libjpeg's J_COLOR_SPACE
    int palette;             ///< PNG palette image
    int interlaced;          ///< PNG Adam7, or progressive JPEG
    int arithmetic;          ///< JPEG arithmetic coding
    int out_bit_depth;       ///< 8 or 16: the depth of the samples scancodec_read writes
    int out_channels;        ///< channels scancodec_read writes per pixel
} scancodec_info;

typedef struct {
    int status;              ///< scancodec_status
    char message[256];       ///< the reason, for a failure
    char warnings[512];      ///< benign warnings seen on success, "; "-separated, possibly cut
} scancodec_result;

typedef struct scancodec_decoder scancodec_decoder;

/// Reads the header of a PNG or JPEG held in `data` (which must stay alive until close), checks
/// the limits and fills `info`. Returns NULL on failure with `result` filled.
scancodec_decoder *scancodec_open(const uint8_t *data, size_t size, scancodec_limits limits,
                                  scancodec_output output, scancodec_info *info,
                                  scancodec_result *result);

/// Decodes all pixels into `pixels`, rows `row_bytes` apart (at least width x out_channels x
/// out_bit_depth/8). 16-bit samples are written in native byte order. Returns the status.
int scancodec_read(scancodec_decoder *decoder, void *pixels, size_t row_bytes,
                   scancodec_result *result);

/// Releases the decoder and everything the libraries allocated. Safe on NULL.
void scancodec_close(scancodec_decoder *decoder);

/// Encodes a PNG (channels 1 grey or 3 RGB, bit depth 8 or 16, native-order samples) into a
/// buffer allocated with malloc; release it with scancodec_free.
int scancodec_png_encode(const void *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                         int channels, int bit_depth, int compression_level,
                         uint8_t **out, size_t *out_size, scancodec_result *result);

/// Encodes an 8-bit JPEG (channels 1 grey or 3 RGB) at `quality` (1-100), optionally progressive.
int scancodec_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes,
                          int channels, int quality, int progressive,
                          uint8_t **out, size_t *out_size, scancodec_result *result);

void scancodec_free(void *buffer);

/// The versions of the libraries linked in, for `--version` and reports.
/* Keeps freed buffers of up to 256 MiB in the heap for reuse (glibc mallopt; a no-op
 * elsewhere): a batch decodes one image-sized buffer after another, and without this each
 * one is a fresh mapping faulted in page by page. Returns 1 when applied. */
int scancodec_keep_large_buffers(void);

const char *scancodec_libpng_version(void);
int scancodec_libjpeg_version(void);

#ifdef __cplusplus
}
#endif

#endif
