// The reference for the decode benchmark: the plainest libpng / libjpeg-turbo decode of a file
// in memory into a caller's buffer, as a C program would write it. ScanTriage's own decode is
// measured against this in the same run.
#ifndef CBENCHREF_H
#define CBENCHREF_H
#include <stddef.h>
#include <stdint.h>

/// Decodes a greyscale PNG (8 or 16-bit) into `out` (native-order samples). Returns 0 on success.
int cbenchref_png_decode(const uint8_t *data, size_t size, void *out, size_t out_size);

/// Decodes a JPEG to 8-bit greyscale into `out`. Returns 0 on success.
int cbenchref_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size);

#endif
